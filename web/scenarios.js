// The scenario library and editor (/scenarios, managers): the form edits the same fields as a
// scenario YAML file; the server validates with the same model and names the field at fault,
// which the form marks where it is. Built-in and file scenarios open read-only.
// Over the ~400-line aim: most of it is the form's field list, one row per scenario field.
import { api, el, notice, AuthError } from "./replay-api.js";
import { showBar } from "./bar.js";

const $ = (id) => document.getElementById(id);
const LINE_GROUPS = [
  ["unclear_lines", "When the rep is unclear"],
  ["silence_lines", "When the rep is silent"],
  ["hangup_lines", "Hanging up after silences"],
  ["impatient_lines", "Losing patience (the call ends lost)"],
  ["limit_lines", "Out of turns or time"],
];
const page = { choices: null, draft: null, id: null, version: null, editable: true, source: null };
window.walkaway = { heard: 0, heardLine: null };

async function send(method, path, body, type = "application/json") {
  const response = await fetch(path, { method, headers: { "Content-Type": type },
    body: type === "application/json" ? JSON.stringify(body) : body });
  if (response.status === 401) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new AuthError("sign in first");
  }
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, answer };
}

// --- paths like states.opening.on.concede[0].to, as the server names fields ---------------

function parsePath(path) {
  const parts = [];
  for (const piece of path.split(".")) {
    const match = piece.match(/^([^[]*)((?:\[\d+\])*)$/);
    if (match[1]) parts.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  return parts;
}

function getAt(parts) {
  return parts.reduce((node, key) => (node == null ? undefined : node[key]), page.draft);
}

function setAt(parts, value) {
  let node = page.draft;
  for (const [i, key] of parts.slice(0, -1).entries()) {
    if (node[key] == null) node[key] = typeof parts[i + 1] === "number" ? [] : {};
    node = node[key];
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

// --- form pieces -------------------------------------------------------------------------------

function field(path, label, { kind = "text", grow = false, options = null, optional = false } = {}) {
  const parts = parsePath(path);
  const value = getAt(parts);
  let input;
  if (options) {
    input = el("select", {}, ...(optional ? [el("option", { value: "" }, "—")] : []),
      ...options.map((o) => el("option", { value: o }, o)));
    input.value = value ?? "";
  } else if (kind === "area") {
    input = el("textarea", { rows: "2" });
    input.value = value ?? "";
  } else if (kind === "check") {
    input = el("input", { type: "checkbox" });
    input.checked = Boolean(value);
  } else {
    input = el("input", { type: kind === "number" ? "number" : "text", step: "any" });
    input.value = value ?? "";
  }
  input.dataset.path = path;
  input.addEventListener(kind === "check" || options ? "change" : "input", () => {
    let next = input.value;
    if (kind === "check") next = input.checked;
    else if (kind === "number") next = input.value === "" ? undefined : Number(input.value);
    else if (kind === "guard") next = input.value === "" ? undefined
      : /^\d+$/.test(input.value.trim()) ? Number(input.value) : input.value.trim();
    else if (optional && next === "") next = undefined;
    setAt(parts, next);
    if (input.getAttribute("aria-invalid")) clearProblem();
  });
  return el("label", { class: grow ? "grow" : "" }, label, input);
}

function lineList(path, label) {
  const parts = parsePath(path);
  if (!Array.isArray(getAt(parts))) setAt(parts, []);
  const lines = getAt(parts);
  const box = el("div", { class: "lines", "data-path": path }, el("span", {}, label));
  lines.forEach((text, i) => {
    const input = el("input", { type: "text", "data-path": `${path}[${i}]` });
    input.value = text;
    input.addEventListener("input", () => { lines[i] = input.value; });
    box.append(el("div", { class: "line" }, input,
      el("button", { type: "button", class: "small hear", onclick: () => hear(input.value) }, "Hear"),
      el("button", { type: "button", class: "small edit-only", onclick: () => {
        lines.splice(i, 1);
        render();
      } }, "Remove")));
  });
  box.append(el("div", {}, el("button", { type: "button", class: "small edit-only", onclick: () => {
    lines.push("");
    render();
    document.querySelector(`[data-path="${path}[${lines.length - 1}]"]`)?.focus();
  } }, "Add a line")));
  return box;
}

function personaPath() {
  return Array.isArray(page.draft.personas) ? "personas[0]" : "persona";
}

function knobs() {
  const levels = page.choices.difficulties;
  const table = el("table", { class: "knobs" }, el("tr", {}, el("th", {}, "knob"),
    ...levels.map((l) => el("th", {}, l))));
  for (const knob of page.choices.knobs) {
    table.append(el("tr", {}, el("td", {}, knob.replaceAll("_", " ")), ...levels.map((level) => {
      const cell = field(`difficulties.${level}.${knob}`, "", { kind: "number" });
      return el("td", {}, cell);
    })));
  }
  return el("fieldset", {}, el("legend", {}, "Difficulty knobs"), table);
}

function transitions(name) {
  const on = page.draft.states[name].on || (page.draft.states[name].on = {});
  const table = el("table", { class: "transitions" }, el("tr", {}, el("th", {}, "when the rep"),
    el("th", {}, "goes to"), ...page.choices.guards.map((g) => el("th", {}, g.replace("_", " "))),
    el("th", {})));
  for (const [key, options] of Object.entries(on)) {
    options.forEach((_, i) => {
      const base = `states.${name}.on.${key}[${i}]`;
      table.append(el("tr", {}, el("td", { "data-path": `states.${name}.on.${key}` }, key),
        el("td", {}, field(`${base}.to`, "")),
        ...page.choices.guards.map((g) => el("td", {}, field(`${base}.${g}`, "", { kind: "guard" }))),
        el("td", {}, el("button", { type: "button", class: "small edit-only", onclick: () => {
          options.splice(i, 1);
          if (!options.length) delete on[key];
          render();
        } }, "Remove"))));
    });
  }
  const key = el("select", { class: "new-key" }, ...page.choices.transition_keys.map((k) =>
    el("option", { value: k }, k)));
  return el("div", { class: "lines" }, el("span", {}, "Transitions (guards: a number or a knob name)"), table,
    el("div", { class: "edit-only" }, key, " ", el("button", { type: "button", class: "small add-transition",
      onclick: () => {
        (on[key.value] ||= []).push({ to: name });
        render();
      } }, "Add a transition")));
}

function renameState(from, to) {
  if (!to || to === from || page.draft.states[to]) return false;
  const states = {};
  for (const [name, state] of Object.entries(page.draft.states)) states[name === from ? to : name] = state;
  for (const state of Object.values(states)) {
    for (const options of Object.values(state.on || {})) for (const t of options) if (t.to === from) t.to = to;
  }
  if (page.draft.start === from) page.draft.start = to;
  page.draft.states = states;
  return true;
}

function stateCard(name) {
  const state = page.draft.states[name];
  const nameInput = el("input", { type: "text", value: name, "data-path": `states.${name}` });
  nameInput.addEventListener("change", () => {
    if (renameState(name, nameInput.value.trim())) render();
    else nameInput.value = name;
  });
  return el("fieldset", { class: "state", "data-state": name },
    el("legend", {}, `State “${name}”`),
    el("label", {}, "Name", nameInput),
    field(`states.${name}.end`, "Ends the call", { kind: "check" }),
    field(`states.${name}.outcome`, "Outcome", { options: page.choices.outcomes, optional: true }),
    field(`states.${name}.fair_offer`, "Fair offer (a plain okay gives nothing away)", { kind: "check" }),
    lineList(`states.${name}.lines`, "What the prospect says here"),
    state.end ? el("span", {}) : transitions(name),
    el("div", { class: "edit-only" }, el("button", { type: "button", class: "small danger", onclick: () => {
      delete page.draft.states[name];
      render();
    } }, "Remove this state")));
}

function render() {
  const form = $("editor");
  const persona = personaPath();
  const states = Object.keys(page.draft.states || (page.draft.states = {}));
  const newState = el("input", { type: "text", id: "new-state-name", placeholder: "new state name" });
  form.replaceChildren(
    el("fieldset", {}, el("legend", {}, "The scenario"),
      field("id", "Id (lower-case, dashes)"),
      field("title", "Title", { grow: true }),
      field("brief", "Brief (what the rep reads first)", { kind: "area", grow: true }),
      field("rep_goal", "The rep's goal", { kind: "area", grow: true })),
    el("fieldset", {}, el("legend", {}, "The prospect"),
      field(`${persona}.name`, "Name"), field(`${persona}.role`, "Role"),
      field(`${persona}.company`, "Company"),
      field(`${persona}.temperament`, "Temperament", { kind: "area", grow: true }),
      field(`${persona}.voice.length_scale`, "Voice speed (above 1: slower)", { kind: "number" }),
      field(`${persona}.voice.pitch_semitones`, "Voice pitch (semitones, ±3)", { kind: "number" })),
    el("fieldset", {}, el("legend", {}, "What the prospect wants"),
      field("demand.kind", "Kind", { options: page.choices.demand_kinds }),
      field("demand.start", "Starts at", { kind: "number" }),
      field("demand.unit", "Unit", { optional: true }),
      field("demand.direction", "Grows", { options: ["up", "down"] }),
      field("demand.limit", "Never past", { kind: "number" })),
    knobs(),
    el("fieldset", {}, el("legend", {}, "States"),
      field("start", "The call starts in", { options: states }),
      ...states.map(stateCard),
      el("div", { class: "edit-only" }, newState, " ", el("button", { type: "button", class: "small", id: "add-state",
        onclick: () => {
          const name = newState.value.trim();
          if (!name || page.draft.states[name]) return;
          page.draft.states[name] = { lines: [""], on: {} };
          render();
        } }, "Add a state"))),
    ...LINE_GROUPS.map(([key, label]) => el("fieldset", {}, el("legend", {}, label), lineList(key, ""))),
  );
  for (const node of form.querySelectorAll("input, select, textarea")) {
    if (!page.editable) node.disabled = true;
  }
  if (page.id) form.querySelector('[data-path="id"]').disabled = true;  // saves keep their id
  for (const node of document.querySelectorAll(".edit-only")) node.hidden = !page.editable;
  for (const node of document.querySelectorAll(".hear")) node.disabled = false;
}

// --- problems at their field -------------------------------------------------------------------

function clearProblem() {
  $("problem").hidden = true;
  for (const node of document.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  for (const node of document.querySelectorAll(".field-error")) node.remove();
}

function showProblem(problem) {
  clearProblem();
  const where = problem.field || "";
  $("problem").textContent = where ? `${where}: ${problem.message}` : problem.message;
  $("problem").hidden = false;
  let path = where;
  let target = null;
  while (path && !(target = document.querySelector(`[data-path="${CSS.escape(path)}"]`))) {
    path = path.replace(/(\[\d+\]|\.[^.[]+|^[^.[]+)$/, "");
  }
  if (!target) return;
  target.setAttribute("aria-invalid", "true");
  const message = el("span", { class: "field-error", role: "alert" }, problem.message);
  (target.closest("label") || target).after(message);
  target.scrollIntoView({ block: "center" });
  if (target.focus) target.focus();
}

function problemOf(result) {
  const detail = result.answer.detail;
  if (detail && typeof detail === "object" && !Array.isArray(detail)) return detail;
  if (Array.isArray(detail)) {
    const first = detail[0];
    return { field: (first.loc || []).slice(2).join("."), message: first.msg };
  }
  return { field: "", message: typeof detail === "string" ? detail : `the server answered ${result.status}` };
}

// --- actions ---------------------------------------------------------------------------------

async function check() {
  const result = await send("POST", "/api/scenarios/check", { scenario: page.draft });
  if (!result.ok) {
    showProblem(problemOf(result));
    return false;
  }
  clearProblem();
  $("saved").textContent = "No problems found.";
  return true;
}

// Save (when it is yours), then practise it: a call always plays a saved version, so the
// replay of that call can name it.
async function tryIt() {
  if (page.editable && !(await save())) return;
  location.assign(`/?scenario=${encodeURIComponent(page.id)}`);
}

async function save() {
  $("saved").textContent = "";
  const result = page.id
    ? await send("PUT", `/api/scenarios/${page.id}`, { scenario: page.draft, version: page.version })
    : await send("POST", "/api/scenarios", { scenario: page.draft });
  if (!result.ok) {
    showProblem(problemOf(result));
    return false;
  }
  clearProblem();
  page.id = result.answer.id;
  page.version = result.answer.version;
  history.replaceState(null, "", `/scenarios?edit=${encodeURIComponent(page.id)}`);
  $("saved").textContent = `Saved as version ${page.version}.`;
  showHead();
  render();
  return true;
}

async function hear(text) {
  if (!text.trim()) return;
  const response = await fetch("/api/scenarios/hear", { method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text, scenario: page.draft }) });
  if (!response.ok) {
    notice(`Could not speak that line (${response.status}).`);
    return;
  }
  const audio = await response.arrayBuffer();
  const context = new AudioContext();
  const buffer = await context.decodeAudioData(audio);
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(context.destination);
  source.onended = () => context.close();
  source.start();
  window.walkaway.heard += 1;
  window.walkaway.heardLine = response.headers.get("X-Line");
  window.walkaway.heardSeconds = buffer.duration;
}

async function duplicate(id, title) {
  const wanted = prompt(`A copy of “${title}” you can change. Its id:`, `${id}-copy`);
  if (!wanted) return;
  const result = await send("POST", `/api/scenarios/${id}/duplicate`, { id: wanted });
  if (!result.ok) {
    notice(problemOf(result).message);
    return;
  }
  location.assign(`/scenarios?edit=${encodeURIComponent(result.answer.id)}`);
}

function showHead() {
  const stored = page.source === "stored" || (page.source === null && page.id);
  $("editor-title").textContent = page.id ? page.draft.title || page.id : "New scenario";
  $("editor-meta").textContent = page.id
    ? `${page.id} · ${stored ? `version ${page.version}` : page.source}` : "not saved yet";
  $("read-only").hidden = page.editable;
  $("save").hidden = !page.editable;
  for (const [id, href] of [["assign-it", `/team?scenario=${page.id}`],
    ["export-it", `/api/scenarios/${page.id}/yaml`]]) {
    $(id).hidden = !page.id;
    $(id).href = href;
  }
}

async function openEditor(id) {
  $("library-view").hidden = true;
  $("editor-view").hidden = false;
  if (id) {
    const found = await api(`/api/scenarios/${encodeURIComponent(id)}/body`);
    Object.assign(page, { draft: found.body, id: found.id, version: found.version,
      editable: found.editable, source: found.source });
  } else {
    Object.assign(page, { draft: await api("/api/scenario-template"), id: null, version: null,
      editable: true, source: null });
  }
  $("duplicate-this").onclick = () => duplicate(page.id, page.draft.title);
  showHead();
  render();
}

async function showLibrary() {
  const entries = await api("/api/scenario-library");
  $("library-rows").replaceChildren(...entries.map((e) => el("tr", { dataset: { id: e.id } },
    el("td", {}, el("a", { href: `/scenarios?edit=${encodeURIComponent(e.id)}` }, e.title)),
    el("td", {}, e.id),
    el("td", {}, e.source === "builtin" ? "built-in" : e.source === "file" ? "file (read-only)" : "yours"),
    el("td", {}, e.version ?? "—"),
    el("td", {}, el("button", { type: "button", class: "small", onclick: () => duplicate(e.id, e.title) }, "Duplicate"), " ",
      el("a", { href: `/api/scenarios/${e.id}/yaml`, download: "" }, "YAML"), " ",
      el("a", { href: `/team?scenario=${e.id}` }, "Assign"), " ",
      e.editable ? el("button", { type: "button", class: "small danger", onclick: async () => {
        if (!confirm(`Stop offering “${e.title}”? Calls made on it keep their version.`)) return;
        await api(`/api/scenarios/${e.id}`, { method: "DELETE" });
        showLibrary();
      } }, "Remove") : ""))));
}

async function importFile() {
  const file = $("import-file").files[0];
  if (!file) return;
  const result = await send("POST", "/api/scenarios/import", await file.text(), "application/yaml");
  $("import-file").value = "";
  if (!result.ok) {
    const problem = problemOf(result);
    $("import-error").textContent = `${file.name}: ${problem.field ? `${problem.field}: ` : ""}${problem.message}`;
    $("import-error").hidden = false;
    return;
  }
  location.assign(`/scenarios?edit=${encodeURIComponent(result.answer.id)}`);
}

async function main() {
  showBar(await api("/api/me"));
  page.choices = await api("/api/scenario-choices");
  $("new-scenario").onclick = () => {
    history.pushState(null, "", "/scenarios?new=1");
    openEditor(null);
  };
  $("import-file").addEventListener("change", importFile);
  $("check").onclick = check;
  $("save").onclick = save;
  $("try-it").onclick = tryIt;
  const params = new URLSearchParams(location.search);
  if (params.get("edit")) await openEditor(params.get("edit"));
  else if (params.has("new")) await openEditor(null);
  else await showLibrary();
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  if (!(err instanceof AuthError)) notice(err.message);
});
