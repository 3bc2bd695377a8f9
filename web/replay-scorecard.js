// The scorecard's coaching view (docs/coaching.md), drawn the same way on the practice page
// and the replay page: the server builds every label, number and line; this only lays it out.
import { el } from "/static/replay-api.js";

// opts.href(start): the link for a moment; opts.onMoment(start): called instead of following it
// (the replay seeks); opts.onPractice(practice): starts a practice call on that moment.
export function renderCoaching(root, card, opts = {}) {
  if (!card) {
    root.replaceChildren(el("p", { class: "muted" }, "No scorecard: the call did not finish."));
    return;
  }
  const view = card.coaching;
  if (!view) {
    root.replaceChildren(el("p", { class: "muted" },
      `Overall ${card.overall ?? "—"}/100. This call was scored before coaching lines existed.`));
    return;
  }
  root.replaceChildren(
    el("div", { class: "score-head" }, ...view.figures.map((f) =>
      el("div", { dataset: { figure: f.id } }, el("strong", {}, f.text), f.label))),
    ...sayInstead(view.say_instead, opts),
    el("h3", {}, "How the call went"),
    el("ul", { class: "criteria" }, ...view.criteria.map((c) => criterion(c, opts))),
  );
}

function moment(start, at, opts, ...children) {
  const link = el("a", { class: "moment", href: opts.href ? opts.href(start) : "#",
    dataset: { start } }, at, ...children);
  if (opts.onMoment) {
    link.addEventListener("click", (event) => { event.preventDefault(); opts.onMoment(start); });
  }
  return link;
}

function practiceButton(practice, opts) {
  if (!practice || !opts.onPractice) return "";
  return el("button", { class: "link practice", type: "button",
    title: `Practise answering: “${practice.line}”`,
    onclick: () => opts.onPractice(practice) }, "Try this moment again");
}

function sayInstead(items, opts) {
  if (!items.length) return [];
  return [el("h3", {}, "Say this instead"), el("ol", { class: "say-instead" }, ...items.map((s) =>
    el("li", { dataset: { turn: s.turn ?? "" } },
      moment(s.start, s.at, opts), el("span", { class: "label" }, s.label),
      el("div", { class: `said ${s.kind}` }, s.kind === "add" ? "After " : "You said ",
        el("q", {}, s.said)),
      el("div", { class: "say" }, s.kind === "add" ? "Add " : "Try ", el("q", {}, s.say)),
      practiceButton(s.practice, opts))))];
}

function criterion(c, opts) {
  const cost = c.passed || c.cost < 0.5 ? "" : ` (−${Math.round(c.cost)} points)`;
  return el("li", { class: c.status, dataset: { criterion: c.id } },
    el("div", { class: "title" }, `${c.passed ? "✓" : "✗"} ${c.title}`,
      el("span", { class: "why" }, ` — ${c.why}${cost}`)),
    c.tip ? el("div", { class: "tip" }, c.tip) : "",
    ...c.quotes.map((q) => el("div", { class: `quote ${q.tone}` },
      moment(q.start, q.at, opts), " ", el("q", {}, q.text))),
    c.passed ? "" : practiceButton(c.practice, opts));
}

// The dialog state of each prospect turn, from the events a page saw, for a practice moment
// whose scorecard did not record it.
export function withState(practice, states) {
  if (!practice || practice.state || !states) return practice;
  return { ...practice, state: states.get(practice.prospect_turn) ?? null };
}
