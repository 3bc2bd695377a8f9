// The practice page: pick a prospect, talk to it over /ws/call, read the scorecard.
// Over the ~400-line aim: one call's life on the page (microphone, socket events, the live
// transcript, barge-in, the scorecard) shares the `state` below; split, each part would need it.
import { Player } from "/static/player.js";
import { renderCoaching, withState } from "/static/replay-scorecard.js";

const $ = (id) => document.getElementById(id);
const state = {
  scenario: null,
  ws: null,
  mic: null,
  player: null,
  ended: false,
  lines: new Map(), // turn -> <li>
  prospectStates: new Map(), // prospect turn -> dialog state, from the "prospect" events
  practice: null, // {state, line, prospect_turn}: the moment a practice call opens on
  signInRequired: true, // until /api/access says otherwise
  ready: false, // the server accepted this call's start
};
// What the page did, for people debugging and for the browser tests.
window.walkaway = { events: [], playedSamples: 0, sentFrames: 0, stoppedAudio: 0, stopLatencyMs: null,
  murmurs: 0 };

function notice(message, action) {
  const box = $("notice");
  box.textContent = message;
  if (action) {
    const button = document.createElement("button");
    button.textContent = action.label;
    button.onclick = action.run;
    box.append(button);
  }
  box.hidden = false;
}

function setStatus(kind, text) {
  const el = $("status");
  el.dataset.state = kind;
  el.textContent = text;
}

async function loadScenarios() {
  let scenarios;
  try {
    const response = await fetch("/api/scenarios");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    scenarios = await response.json();
  } catch (err) {
    notice(`Could not load the scenarios (${err.message}). Is the server running?`);
    return;
  }
  const list = $("scenarios");
  list.replaceChildren();
  for (const s of scenarios) {
    const item = document.createElement("li");
    item.dataset.id = s.id;
    item.setAttribute("role", "option");
    item.innerHTML = "<h3></h3><p></p>";
    item.querySelector("h3").textContent = s.title;
    item.querySelector("p").textContent = s.brief;
    item.onclick = () => select(s.id);
    list.append(item);
  }
  const params = new URLSearchParams(location.search);
  const wanted = params.get("scenario");
  const known = !wanted || scenarios.some((s) => s.id === wanted);
  select(wanted && known ? wanted : scenarios[0]?.id);
  if (!known) {
    notice(`There is no scenario called “${wanted}”` + (scenarios.length
      ? `, so “${scenarios[0].title}” is picked instead. Pick another below if you like.`
      : ", and this server has none to offer."));
  }
  if (params.get("practice_line") && state.scenario === wanted) {
    const offered = params.get("practice_offered");
    choosePractice({ scenario: wanted, state: params.get("practice_state"),
      line: params.get("practice_line"), prospect_turn: Number(params.get("practice_turn")),
      offered: offered === null ? null : Number(offered) });
  }
}

// "Try this moment again": the next call opens on the prospect line answered badly.
function choosePractice(practice) {
  state.practice = { state: practice.state || null, line: practice.line,
    prospect_turn: practice.prospect_turn, offered: practice.offered ?? null };
  select(practice.scenario);
  notice(`Practising one moment: the prospect opens with “${practice.line}”`);
}

// What a manager assigned: picking one sets its scenario and difficulty.
async function loadAssigned() {
  const response = await fetch("/api/assignments/mine").catch(() => null);
  if (!response?.ok) return;
  const board = await response.json();
  const byId = new Map(board.assignments.map((a) => [a.id, a]));
  const list = $("assigned-list");
  list.replaceChildren();
  for (const p of board.progress) {
    const a = byId.get(p.assignment_id);
    const item = document.createElement("li");
    item.dataset.assignment = a.id;
    item.innerHTML = '<span class="what"><strong></strong> <span class="level"></span>'
      + '<br><small class="due"></small></span><span class="done"></span>';
    item.querySelector("strong").textContent = a.scenario_title || a.scenario;
    item.querySelector(".level").textContent = `· ${a.difficulty} · pass mark ${Math.round(a.pass_mark)}`;
    item.querySelector(".due").textContent = (a.due_at
      ? `due ${new Date(a.due_at).toLocaleDateString()}` : "no due date") + (a.note ? ` — ${a.note}` : "");
    const done = item.querySelector(".done");
    done.className = `done badge${p.passed ? " passed" : p.overdue ? " overdue" : ""}`;
    done.textContent = p.passed ? `done · best ${Math.round(p.best)}`
      : (p.overdue ? "overdue · " : "") + (p.attempts
        ? `${p.attempts} attempt${p.attempts === 1 ? "" : "s"} · best ${Math.round(p.best ?? 0)}`
        : "not started");
    item.onclick = () => {
      select(a.scenario);
      $("difficulty").value = a.difficulty;
    };
    list.append(item);
  }
  $("assigned").hidden = board.progress.length === 0;
  return board.progress.reduce((sum, p) => sum + p.attempts, 0);
}

// The scorecard comes before the server has finished storing the call: look again a few
// times until the attempt counts.
async function refreshAssigned() {
  if ($("assigned").hidden) return;
  const before = [...$("assigned-list").children].length ? await loadAssigned() : 0;
  for (let i = 0; i < 10; i += 1) {
    await new Promise((done) => setTimeout(done, 500));
    if ((await loadAssigned()) !== before) return;
  }
}

function select(id) {
  state.scenario = id;
  for (const item of $("scenarios").children) {
    item.setAttribute("aria-selected", String(item.dataset.id === id));
  }
  $("call").disabled = !id;
}

function addLine(speaker, text, turn) {
  const item = document.createElement("li");
  item.className = speaker;
  item.textContent = text;
  $("transcript").append(item);
  if (turn !== undefined) state.lines.set(turn, item);
  item.scrollIntoView({ block: "nearest" });
}

async function openMic() {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true,
               channelCount: 1 },
    });
  } catch (err) {
    if (err.name === "NotAllowedError" || err.name === "SecurityError") {
      throw new Error("Microphone permission was denied. Allow the microphone for this page "
        + "in the browser's site settings, then press Call again.");
    }
    if (err.name === "NotFoundError" || err.name === "OverconstrainedError") {
      throw new Error("No microphone was found. Plug one in (or pick one in your system "
        + "settings), then press Call again.");
    }
    throw new Error(`The microphone could not be opened: ${err.message}`);
  }
  const ctx = new AudioContext({ sampleRate: 16000 });
  await ctx.audioWorklet.addModule("/static/mic-worklet.js");
  const source = ctx.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(ctx, "mic-capture");
  source.connect(node);
  return { ctx, stream, node };
}

function closeMic() {
  if (!state.mic) return;
  state.mic.node.port.onmessage = null;
  state.mic.stream.getTracks().forEach((t) => t.stop());
  state.mic.ctx.close();
  state.mic = null;
}

// Signed out on a server that wants a signed-in rep: say so before asking for the microphone.
async function mayCall() {
  if (!state.signInRequired) return true;
  const me = await fetch("/api/me").catch(() => null);
  if (me?.ok) return true;
  const next = encodeURIComponent(location.pathname + location.search);
  notice("Sign in to practise: calls are scored and kept under your name, so this server "
    + "takes them only from a signed-in rep.",
  { label: "Sign in", run: () => location.assign(`/login?next=${next}`) });
  return false;
}

async function startCall() {
  $("notice").hidden = true;
  $("call").disabled = true;
  if (!(await mayCall())) {
    $("call").disabled = false;
    return;
  }
  try {
    state.mic = await openMic();
  } catch (err) {
    notice(err.message);
    $("call").disabled = false;
    return;
  }
  state.player = new Player();
  await state.player.resume();
  state.player.onIdle = () => { if (!state.ended) setStatus("listening", "listening"); };
  state.ended = false;
  state.ready = false;
  state.lines.clear();
  state.prospectStates.clear();
  $("transcript").replaceChildren();
  $("partial").textContent = "";
  $("picker").hidden = true;
  $("scorecard").hidden = true;
  $("hangup").hidden = false;
  $("call-view").hidden = false;
  setStatus("connecting", "connecting…");

  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws/call`);
  ws.binaryType = "arraybuffer";
  state.ws = ws;
  ws.onopen = () => ws.send(JSON.stringify({
    type: "start", scenario: state.scenario, sample_rate: 16000,
    difficulty: $("difficulty").value,
    // a fresh seed per call: another persona and other lines each time (docs/protocol.md)
    seed: Math.floor(Math.random() * 2 ** 31),
    ...(state.practice ? { practice: state.practice } : {}),
  }));
  ws.onmessage = (msg) => {
    if (msg.data instanceof ArrayBuffer) {
      state.player.push(msg.data);
      setStatus("speaking", "prospect is speaking");
      return;
    }
    onEvent(JSON.parse(msg.data));
  };
  ws.onclose = () => {
    closeMic();
    if (!state.ended) {
      notice("The connection to the server dropped. What you said so far was kept and scored "
        + "on the server.", { label: "Call again", run: () => { $("notice").hidden = true; startCall(); } });
      $("call-view").hidden = false;
      $("picker").hidden = false;
      $("call").disabled = false;
    }
  };
}

function onEvent(event) {
  window.walkaway.events.push(event);
  switch (event.type) {
    case "ready":
      state.ready = true;
      state.player.sampleRate = event.sample_rate;
      $("who").textContent = (event.persona
        ? `${event.persona.name}, ${event.persona.role} · ` : "")
        + `${event.scenario} · ${event.difficulty}`
        + (state.practice ? " · practising one moment" : "");
      state.mic.node.port.onmessage = ({ data }) => {
        $("level").value = data.peak;
        if (state.ws && state.ws.readyState === WebSocket.OPEN) {
          state.ws.send(data.pcm);
          window.walkaway.sentFrames += 1;
        }
      };
      setStatus("listening", "listening");
      break;
    case "partial":
      $("partial").textContent = event.text;
      break;
    case "transcript":
      $("partial").textContent = "";
      addLine("rep", event.text, event.turn);
      // the prospect cut in on a turn that ran too long: "— cut off", as a barged-in line
      if (event.cut) state.lines.get(event.turn)?.classList.add("cut");
      setStatus("thinking", "prospect is thinking");
      break;
    case "prospect":
      state.prospectStates.set(event.turn, event.state);
      addLine("prospect", event.text, event.turn);
      break;
    case "backchannel":
      // a listener's "mm" into the rep's pause: heard, not a line of the transcript
      window.walkaway.murmurs += 1;
      break;
    case "stop_audio": {
      const t0 = performance.now();
      state.player.stop();
      window.walkaway.stopLatencyMs = performance.now() - t0;
      window.walkaway.stoppedAudio += 1;
      state.lines.get(event.turn)?.classList.add("cut");
      // it answered too soon: the line is withdrawn and the whole turn is answered later
      if (event.taken_back) state.lines.get(event.turn)?.classList.add("taken-back");
      setStatus("listening", "listening");
      break;
    }
    case "scorecard":
      showScorecard(event);
      break;
    case "error":
      if (event.code === "unauthorized") {
        location.assign("/login?next=/");
        return;
      }
      if (!state.ready) {
        refused(event);
        return;
      }
      notice(`Server: ${event.message}`);
      break;
    default:
      break;
  }
}

// The server would not start the call (a moment it cannot play, a full server...): say why,
// let go of the microphone and go back to the picker.
function refused(event) {
  state.ended = true;
  closeMic();
  if (state.ws) state.ws.close();
  if (event.code === "bad_practice") state.practice = null;
  $("call-view").hidden = true;
  $("picker").hidden = false;
  $("call").disabled = !state.scenario;
  notice(`The call did not start: ${event.message}`);
}

function hangUp() {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) {
    state.ws.send(JSON.stringify({ type: "end" }));
  }
  closeMic();
  setStatus("thinking", "scoring your call…");
}

function showScorecard(card) {
  state.ended = true;
  window.walkaway.playedSamples = state.player ? state.player.playedSamples : 0;
  closeMic();
  if (state.ws) state.ws.close();
  const body = $("scorecard-body");
  const states = new Map(state.prospectStates);
  renderCoaching(body, card, {
    href: card.call_id ? (start) => `/calls/${encodeURIComponent(card.call_id)}?t=${start}` : null,
    onPractice: (practice) => {
      choosePractice(withState(practice, states));
      $("scorecard").hidden = true;
      startCall();
    },
  });
  if (card.call_id) {
    const link = document.createElement("p");
    link.innerHTML = '<a href="">Replay this call with its markers</a>';
    link.querySelector("a").href = `/calls/${encodeURIComponent(card.call_id)}`;
    body.append(link);
  }
  $("scorecard").hidden = false;
  $("hangup").hidden = true; // nothing left to hang up
  refreshAssigned(); // this call may have been an attempt at an assignment
  setStatus("ended", "call ended");
}

$("call").onclick = startCall;
$("hangup").onclick = hangUp;
$("again").onclick = () => {
  state.practice = null;
  $("notice").hidden = true;
  $("scorecard").hidden = true;
  $("call-view").hidden = true;
  $("picker").hidden = false;
  $("call").disabled = !state.scenario;
};
setInterval(() => {
  if (state.player) window.walkaway.playedSamples = state.player.playedSamples;
}, 100);
async function whoAmI() {
  try {
    const access = await fetch("/api/access");
    if (access.ok) state.signInRequired = (await access.json()).sign_in_required;
    const response = await fetch("/api/me");
    if (response.ok) {
      const me = await response.json();
      $("me").textContent = `${me.name} (${me.role})`;
      $("my-scores").href = `/reps/${encodeURIComponent(me.id)}`;
      $("my-scores").hidden = false;
      $("logout").hidden = false;
      $("team-link").hidden = me.role !== "manager";
      $("scenarios-link").hidden = me.role !== "manager";
      loadAssigned();
    } else {
      $("signin").hidden = false;
    }
  } catch (_) {
    $("signin").hidden = false;
  }
}

$("logout").onclick = async () => {
  await fetch("/api/logout", { method: "POST" });
  location.assign("/login");
};
whoAmI();
loadScenarios();
