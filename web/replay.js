// The replay pages: /calls (list), /calls/<id> (player), /reps/<id> (score trend).
import { api, clock, el, notice, when, AuthError } from "./replay-api.js";
import { showBar } from "./bar.js";
import { showCall, showMissing } from "./replay-call.js";
import { drawTrend } from "./replay-chart.js";
import { setUpUpload } from "./upload.js";

const ID = "([0-9a-f]{32})";

async function main() {
  const me = await api("/api/me");
  showBar(me);
  const path = location.pathname;
  let match;
  if ((match = path.match(new RegExp(`^/calls/${ID}$`)))) {
    await showCall(match[1], me);
  } else if (path.startsWith("/calls/")) {
    showMissing();
  } else if ((match = path.match(new RegExp(`^/reps/${ID}$`)))) {
    await showTrend(match[1]);
  } else {
    await showList(me);
  }
}

// --- list -------------------------------------------------------------------------------------

async function showList(me) {
  document.getElementById("list-view").hidden = false;
  const form = document.getElementById("filters");
  const params = new URLSearchParams(location.search);
  for (const [key, value] of params) if (form.elements[key]) form.elements[key].value = value;

  const scenarios = await api("/api/scenarios").catch(() => []);
  const scenarioSelect = form.elements.scenario;
  for (const s of scenarios) scenarioSelect.append(el("option", { value: s.id }, s.id));
  setUpUpload(scenarios);
  scenarioSelect.value = params.get("scenario") || "";
  if (me.role === "manager") {
    const reps = await api("/api/reps");
    for (const r of reps) form.elements.rep.append(el("option", { value: r.id }, r.name));
    form.elements.rep.value = params.get("rep") || "";
  } else {
    document.getElementById("rep-filter").hidden = true;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value !== "") query.set(key, value);
    history.replaceState(null, "", `/calls?${query}`);
    loadRows(query);
  });
  const query = new URLSearchParams();
  for (const [key, value] of params) if (value !== "") query.set(key, value);
  await loadRows(query);
}

async function loadRows(query) {
  const body = document.getElementById("call-rows");
  const result = await api(`/api/calls?${query}`);
  body.replaceChildren(...result.calls.map((c) => el("tr", { class: `status-${c.status}` },
    el("td", {}, el("a", { href: `/calls/${c.id}` }, when(c.started_at))),
    el("td", {}, c.rep_id ? el("a", { href: `/reps/${c.rep_id}` }, c.rep_name) : "—"),
    el("td", {}, c.scenario),
    el("td", {}, c.outcome ? c.outcome.replaceAll("_", " ") : "—"),
    el("td", { class: "num" }, c.overall == null ? "—" : Math.round(c.overall)),
    el("td", { class: "num" }, c.duration == null ? "—" : clock(c.duration)),
    el("td", {}, c.status),
  )));
  document.getElementById("list-total").textContent =
    `${result.calls.length} of ${result.total} call${result.total === 1 ? "" : "s"}`;
}

// --- a rep's trend ----------------------------------------------------------------------------

async function showTrend(repId) {
  document.getElementById("rep-view").hidden = false;
  const trend = await api(`/api/reps/${repId}/trend`);
  document.getElementById("rep-title").textContent = `${trend.rep.name}: scores over time`;
  document.title = `walkaway — ${trend.rep.name}`;
  drawTrend(document.getElementById("trend-chart"), trend.points);
  document.getElementById("trend-note").textContent = trend.points.length
    ? `${trend.points.length} scored call${trend.points.length === 1 ? "" : "s"}; click a point to replay it.`
    : "No scored calls yet.";
}

main().catch((err) => {
  if (!(err instanceof AuthError)) notice(err.message);
});
