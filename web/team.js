// The manager's team page (/team): assignments and each rep's progress, people (reset a
// password, API tokens, remove), one-time invite links, and who signed in when.
import { api, el, notice, when, AuthError } from "./replay-api.js";
import { showBar } from "./bar.js";

const $ = (id) => document.getElementById(id);
const page = { me: null, scenarios: [], people: [] };

function post(path, body, method = "POST") {
  return api(path, { method, headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
}

// --- assignments ------------------------------------------------------------------------------

function fillDifficulties() {
  const chosen = page.scenarios.find((s) => s.id === $("assign-scenario").value);
  const select = $("assign-difficulty");
  const keep = select.value || "normal";
  select.replaceChildren(...(chosen?.difficulties || []).map((d) => el("option", { value: d }, d)));
  select.value = chosen?.difficulties.includes(keep) ? keep : chosen?.difficulties[0] || "";
}

function fillReps() {
  const box = $("assign-reps");
  for (const old of box.querySelectorAll("label.rep")) old.remove();
  for (const rep of page.people.filter((p) => p.role === "rep")) {
    box.append(el("label", { class: "rep" },
      el("input", { type: "checkbox", name: "rep", value: rep.id }), ` ${rep.name}`));
  }
}

async function assign(event) {
  event.preventDefault();
  const error = $("assign-error");
  error.hidden = true;
  const everyone = $("assign-everyone").checked;
  const body = {
    scenario: $("assign-scenario").value,
    difficulty: $("assign-difficulty").value,
    pass_mark: Number($("assign-pass").value),
    due: $("assign-due").value || null,
    everyone,
    rep_ids: everyone ? [] : [...document.querySelectorAll("#assign-reps input[name=rep]:checked")]
      .map((box) => box.value),
    note: $("assign-note").value || null,
  };
  try {
    await post("/api/assignments", body);
  } catch (err) {
    if (err instanceof AuthError) return;
    error.textContent = err.message;
    error.hidden = false;
    return;
  }
  $("assign-note").value = "";
  await loadProgress();
}

function status(p) {
  if (p.passed) return el("span", { class: "badge passed" }, "passed");
  if (p.overdue) return el("span", { class: "badge overdue" }, "overdue");
  return el("span", { class: "badge" }, p.attempts ? "not yet" : "not started");
}

async function loadProgress() {
  const board = await api("/api/assignments");
  const byId = new Map(board.assignments.map((a) => [a.id, a]));
  $("progress-rows").replaceChildren(...board.progress.map((p) => {
    const a = byId.get(p.assignment_id);
    return el("tr", { dataset: { assignment: a.id, rep: p.rep_id } },
      el("td", {}, el("a", { href: `/reps/${p.rep_id}` }, p.rep_name)),
      el("td", {}, a.scenario_title || a.scenario),
      el("td", {}, a.difficulty),
      el("td", {}, a.due_at ? when(a.due_at) : "—"),
      el("td", { class: "num attempts" }, p.attempts),
      el("td", { class: "num best" }, p.best == null ? "—"
        : el("a", { href: `/calls/${p.last_call_id}` }, Math.round(p.best))),
      el("td", { class: "state" }, status(p), ` (pass ${Math.round(a.pass_mark)})`),
      el("td", {}, el("button", { class: "small danger", type: "button", onclick: () => withdraw(a) },
        "Withdraw")),
    );
  }));
  $("progress-note").textContent = board.assignments.length
    ? `${board.assignments.length} assignment${board.assignments.length === 1 ? "" : "s"}; `
      + "attempts are calls on the scenario and difficulty since it was assigned."
    : "Nothing assigned yet.";
}

async function withdraw(assignment) {
  if (!confirm(`Withdraw ${assignment.scenario} (${assignment.difficulty}) for everyone it is assigned to?`)) return;
  await api(`/api/assignments/${assignment.id}`, { method: "DELETE" });
  await loadProgress();
}

// --- people ----------------------------------------------------------------------------------

async function loadPeople() {
  page.people = await api("/api/users");
  $("people-rows").replaceChildren(...page.people.map((p) => el("tr", { dataset: { user: p.id } },
    el("td", {}, p.role === "rep" ? el("a", { href: `/reps/${p.id}` }, p.name) : p.name),
    el("td", {}, p.role),
    el("td", {}, p.last_sign_in ? when(p.last_sign_in) : "never"),
    el("td", {}, p.id === page.me.id ? el("span", { class: "muted" }, "you") : el("span", {},
      el("button", { class: "small", type: "button", onclick: () => resetPanel(p) }, "Reset password"), " ",
      el("button", { class: "small", type: "button", onclick: () => tokensPanel(p) }, "API tokens"), " ",
      el("button", { class: "small danger", type: "button", onclick: () => remove(p) }, "Remove"))),
  )));
  fillReps();
}

function panel(...children) {
  const box = $("user-panel");
  box.replaceChildren(...children);
  box.hidden = false;
  return box;
}

function resetPanel(person) {
  const input = el("input", { type: "password", id: "reset-password", minlength: "8",
    autocomplete: "new-password" });
  const result = el("p", { class: "muted", role: "status" });
  panel(el("h3", {}, `New password for ${person.name}`),
    el("label", {}, "Password (8+ characters) ", input),
    el("p", { class: "muted" }, "Their browser sessions end; tell them the new password yourself."),
    el("div", {}, el("button", { class: "call", type: "button", id: "reset-submit", onclick: async () => {
      try {
        await post(`/api/users/${person.id}/password`, { password: input.value });
        result.textContent = `${person.name}'s password is changed.`;
        input.value = "";
      } catch (err) {
        result.textContent = err.message;
      }
    } }, "Set password")), result);
  input.focus();
}

async function tokensPanel(person) {
  const tokens = await api(`/api/users/${person.id}/tokens`);
  const list = el("ul", { class: "plain", id: "token-list" }, ...tokens.map((t) => el("li", {},
    `${t.label || "API token"} ${t.id}, made ${when(t.created_at)}, `
    + (t.expires_at ? `expires ${when(t.expires_at)} ` : "never expires "),
    el("button", { class: "small danger", type: "button", onclick: async () => {
      await api(`/api/tokens/${t.id}`, { method: "DELETE" });
      tokensPanel(person);
    } }, "Revoke"))));
  panel(el("h3", {}, `${person.name}'s API tokens`),
    tokens.length ? list : el("p", { class: "muted" }, "None."),
    el("div", {}, el("button", { class: "small danger", type: "button", onclick: async () => {
      await api(`/api/users/${person.id}/tokens`, { method: "DELETE" });
      tokensPanel(person);
    } }, "End every session and token")));
}

async function remove(person) {
  if (!confirm(`Remove ${person.name}? They can no longer sign in; their calls stay, under their name.`)) return;
  await api(`/api/users/${person.id}`, { method: "DELETE" });
  $("user-panel").hidden = true;
  await Promise.all([loadPeople(), loadProgress()]);
}

// --- invites and sign-ins ----------------------------------------------------------------------

async function invite(event) {
  event.preventDefault();
  const made = await post("/api/invites", { role: $("invite-role").value,
    name: $("invite-name").value || null, days: Number($("invite-days").value) || 7 });
  $("invite-link").value = made.link;
  $("invite-result").hidden = false;
  $("invite-link").select();
  $("invite-name").value = "";
  await loadInvites();
}

async function loadInvites() {
  const pending = await api("/api/invites");
  $("invites").replaceChildren(...pending.map((i) => el("li", {},
    `${i.role}${i.name ? ` “${i.name}”` : ""}, link valid until ${when(i.expires_at)} `,
    el("button", { class: "small", type: "button", onclick: async () => {
      await api(`/api/invites/${i.id}`, { method: "DELETE" });
      loadInvites();
    } }, "Cancel"))));
}

async function loadSignIns() {
  const log = await api("/api/sign-ins?limit=50");
  $("signin-rows").replaceChildren(...log.map((s) => el("tr", {},
    el("td", {}, when(s.at)), el("td", {}, s.user_name), el("td", {}, s.method),
    el("td", {}, s.address || "—"))));
}

async function main() {
  page.me = await api("/api/me");
  showBar(page.me);
  page.scenarios = await api("/api/scenarios");
  $("assign-scenario").replaceChildren(...page.scenarios.map((s) =>
    el("option", { value: s.id }, s.title)));
  const wanted = new URLSearchParams(location.search).get("scenario");
  if (wanted && page.scenarios.some((s) => s.id === wanted)) $("assign-scenario").value = wanted;
  fillDifficulties();
  $("assign-scenario").addEventListener("change", fillDifficulties);
  $("assign-everyone").addEventListener("change", () => {
    for (const box of document.querySelectorAll("#assign-reps input[name=rep]")) {
      box.disabled = $("assign-everyone").checked;
    }
  });
  $("assign-form").addEventListener("submit", assign);
  $("invite-form").addEventListener("submit", invite);
  await loadPeople();
  await Promise.all([loadProgress(), loadInvites(), loadSignIns()]);
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  if (!(err instanceof AuthError)) notice(err.message);
});
