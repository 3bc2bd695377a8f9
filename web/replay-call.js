// One stored call: audio, waveform, markers, transcript with the playing word lit, scorecard.
import { api, clock, el, notice, NotFoundError } from "./replay-api.js";
import { renderCoaching, withState } from "./replay-scorecard.js";

const PAST_WORD_S = 0.6; // a word stays lit this long after it ends (covers short gaps)

// A call on a scenario written in the browser names the version it was played on: later edits
// do not change what this call was (docs/admin.md).
async function showVersion(callId) {
  const played = await api(`/api/calls/${callId}/scenario`).catch(() => null);
  if (!played) return;
  const title = document.getElementById("call-title");
  title.textContent = title.textContent.replace(/^[^·]+/, `${played.body.title} `);
  if (played.version != null) {
    document.getElementById("call-meta").append(` · scenario version ${played.version}`);
  }
}

export async function showCall(callId, me) {
  let detail;
  try {
    detail = await api(`/api/calls/${callId}`);
  } catch (err) {
    if (err instanceof NotFoundError) {
      showMissing();
      return;
    }
    throw err;
  }
  document.getElementById("call-view").hidden = false;
  const { call } = detail;
  document.title = `walkaway — ${call.scenario}`;
  document.getElementById("call-title").textContent = `${call.scenario} · ${call.rep_name ?? "no rep"}`;
  document.getElementById("call-meta").textContent =
    `${new Date(call.started_at).toLocaleString()} · ${call.status}` +
    (call.outcome ? ` · ${call.outcome.replaceAll("_", " ")}` : "");
  showVersion(callId);
  const exportLink = document.getElementById("export-link");
  exportLink.href = `/api/calls/${callId}/export`;
  if (me.role === "manager") setUpDelete(callId);

  const audio = document.getElementById("audio");
  audio.src = `/api/calls/${callId}/audio`;
  const player = new Player(audio, detail, call.duration || 0);
  window.walkawayReplay = player; // lets tests and curious users reach the player
  const states = new Map(detail.events.filter((e) => e.event?.type === "prospect")
    .map((e) => [e.event.turn, e.event.state]));
  renderCoaching(document.getElementById("replay-scorecard"), detail.scorecard, {
    href: (start) => `?t=${start}`,
    onMoment: (start) => player.seek(start),
    onPractice: (practice) => {
      const p = withState(practice, states);
      const query = new URLSearchParams({ scenario: p.scenario, practice_line: p.line,
        practice_turn: p.prospect_turn, ...(p.state ? { practice_state: p.state } : {}),
        ...(p.offered != null ? { practice_offered: p.offered } : {}) });
      location.assign(`/?${query}`);
    },
  });
  const at = Number(new URLSearchParams(location.search).get("t"));
  if (at > 0) player.seek(at);
  const canvas = document.getElementById("waveform");
  const buckets = Math.max(200, Math.round(canvas.parentElement.clientWidth * (devicePixelRatio || 1)));
  api(`/api/calls/${callId}/peaks?buckets=${buckets}`)
    .then((peaks) => player.setPeaks(peaks))
    .catch((err) => notice(`waveform: ${err.message}`));
}

// No call at this address (a wrong id, a deleted call, another rep's): no player, no Export.
export function showMissing() {
  document.title = "walkaway — no such call";
  document.getElementById("call-view").hidden = true;
  document.getElementById("missing").hidden = false;
}

// A prospect line has no word times (it was synthesised, not recognised): each word gets a
// share of the line's time in proportion to its letters, so the line lights up word by word.
function estimatedWords(turn) {
  const tokens = turn.text.split(/\s+/).filter(Boolean);
  const total = tokens.reduce((n, t) => n + t.length + 1, 0);
  const span = Math.max(0, turn.end - turn.start);
  let at = turn.start;
  return tokens.map((text) => {
    const start = at;
    at += (span * (text.length + 1)) / total;
    return { text, start, end: at };
  });
}

function setUpDelete(callId) {
  const button = document.getElementById("delete-call");
  button.hidden = false;
  button.addEventListener("click", async () => {
    if (!confirm("Delete this call and its recording for good?")) return;
    await api(`/api/calls/${callId}`, { method: "DELETE" });
    location.assign("/calls");
  });
}

class Player {
  constructor(audio, detail, duration) {
    this.audio = audio;
    this.duration = duration;
    this.peaks = null;
    this.items = this.renderTranscript(detail.turns);
    this.current = null;
    // the scorecard's own marker list when it has one (docs/coaching.md), else the server's
    this.renderMarkers(detail.scorecard?.coaching?.markers ?? detail.markers);
    this.timeline = document.getElementById("timeline");
    this.playhead = document.getElementById("playhead");
    this.clockText = document.getElementById("clock");
    this.playButton = document.getElementById("play");
    this.playButton.addEventListener("click", () => (audio.paused ? audio.play() : audio.pause()));
    this.timeline.addEventListener("click", (event) => {
      if (event.target.closest(".marker")) return;
      const box = this.timeline.getBoundingClientRect();
      this.seek(((event.clientX - box.left) / box.width) * this.length());
    });
    audio.addEventListener("loadedmetadata", () => this.update());
    audio.addEventListener("play", () => { this.playButton.textContent = "Pause"; this.tick(); });
    audio.addEventListener("pause", () => { this.playButton.textContent = "Play"; });
    audio.addEventListener("seeked", () => this.update());
    audio.addEventListener("ended", () => this.update());
    addEventListener("resize", () => this.draw());
    this.update();
  }

  length() {
    return Number.isFinite(this.audio.duration) && this.audio.duration > 0
      ? this.audio.duration : this.duration;
  }

  seek(seconds) {
    this.audio.currentTime = Math.max(0, Math.min(seconds, this.length()));
    this.update();
  }

  tick() {
    this.update();
    if (!this.audio.paused) requestAnimationFrame(() => this.tick());
  }

  update() {
    const t = this.audio.currentTime, total = this.length();
    this.clockText.textContent = `${clock(t)} / ${clock(total)}`;
    this.playhead.style.left = `${total ? (100 * t) / total : 0}%`;
    this.highlight(t);
  }

  // --- transcript ------------------------------------------------------------------------------

  renderTranscript(turns) {
    const list = document.getElementById("replay-transcript");
    const items = [];
    list.replaceChildren(...turns.map((turn) => {
      const li = el("li", { class: `${turn.speaker}${turn.cut ? " cut" : ""}` },
        el("span", { class: "speaker" }, turn.speaker === "rep" ? "Rep" : "Prospect"),
        el("span", { class: "stamp" }, clock(turn.start)), " ");
      const words = turn.words?.length ? turn.words : estimatedWords(turn);
      for (const word of words) {
        const joined = !/[\p{L}\p{N}]/u.test(word.text); // "10" then "%" reads "10%", as said
        if (joined && li.lastChild?.previousSibling?.classList?.contains("word")) {
          li.lastChild.remove();
        }
        const span = el("span", {
          class: "word", dataset: { start: word.start, end: word.end },
          onclick: () => this.seek(word.start),
        }, word.text);
        li.append(span, " ");
        items.push({ start: word.start, end: word.end, node: span });
      }
      return li;
    }));
    this.watchScroll(list);
    return items.sort((a, b) => a.start - b.start);
  }

  // A cue while lines are hidden below the box's edge; it scrolls them into view.
  watchScroll(list) {
    const box = document.getElementById("transcript-box");
    const cue = document.getElementById("more-below");
    const check = () => {
      const more = list.scrollTop + list.clientHeight < list.scrollHeight - 4;
      box.dataset.more = String(more);
      cue.hidden = !more;
    };
    list.addEventListener("scroll", check);
    addEventListener("resize", check);
    cue.onclick = () => list.scrollBy({ top: list.clientHeight * 0.8, behavior: "smooth" });
    requestAnimationFrame(check);
  }

  highlight(t) {
    let lo = 0, hi = this.items.length - 1, found = -1;
    while (lo <= hi) { // the last word that started at or before t
      const mid = (lo + hi) >> 1;
      if (this.items[mid].start <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const item = found >= 0 && t <= this.items[found].end + PAST_WORD_S ? this.items[found] : null;
    if (item === this.current) return;
    this.current?.node.classList.remove("current");
    this.current?.node.removeAttribute("aria-current");
    this.current = item;
    if (item) {
      item.node.classList.add("current");
      item.node.setAttribute("aria-current", "true");
      item.node.scrollIntoView({ block: "nearest" });
    }
  }

  // --- markers and waveform --------------------------------------------------------------------

  renderMarkers(markers) {
    const layer = document.getElementById("markers");
    const list = document.getElementById("marker-list");
    this.markers = markers;
    layer.replaceChildren(...markers.map((m) => el("button", {
      class: `marker ${m.kind}`, title: `${clock(m.start)} ${m.label}`,
      "aria-label": `${m.kind} at ${clock(m.start)}: ${m.label}`,
      dataset: { start: m.start, kind: m.kind },
      onclick: () => { this.seek(m.start); this.audio.play(); },
    })));
    list.replaceChildren(...markers.map((m) => el("li", {},
      el("button", { class: `link marker-link ${m.kind}`, onclick: () => this.seek(m.start) },
        clock(m.start)), ` ${m.label}`)));
    if (!markers.length) list.append(el("li", { class: "muted" }, "nothing flagged"));
    this.placeMarkers();
  }

  placeMarkers() {
    const total = this.length();
    for (const node of document.querySelectorAll("#markers .marker")) {
      node.style.left = `${total ? (100 * Number(node.dataset.start)) / total : 0}%`;
    }
  }

  setPeaks(peaks) {
    this.peaks = peaks;
    if (!this.duration) this.duration = peaks.duration;
    this.draw();
    this.placeMarkers();
    this.update();
  }

  draw() {
    const canvas = document.getElementById("waveform");
    const ratio = devicePixelRatio || 1;
    canvas.width = Math.round(canvas.clientWidth * ratio);
    canvas.height = Math.round(canvas.clientHeight * ratio);
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, canvas.width, canvas.height);
    if (!this.peaks) return;
    const mid = canvas.height / 2;
    const lanes = [["rep", "#1f6feb", -1], ["prospect", "#e07b00", 1]];
    for (const [name, color, dir] of lanes) {
      const values = this.peaks.channels[name] || [];
      g.fillStyle = color;
      const step = canvas.width / Math.max(1, values.length);
      values.forEach((v, i) => {
        const h = Math.max(1, v * (mid - 2));
        g.fillRect(i * step, dir < 0 ? mid - h : mid, Math.max(1, step), h);
      });
    }
    this.placeMarkers();
  }
}
