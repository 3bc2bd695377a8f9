// A rep's overall score per call as an SVG line chart (no library).
const NS = "http://www.w3.org/2000/svg";
const W = 800, H = 300, PAD = { left: 40, right: 16, top: 16, bottom: 36 };

function svg(tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function drawTrend(root, points) {
  root.replaceChildren();
  const x0 = PAD.left, x1 = W - PAD.right, y0 = H - PAD.bottom, y1 = PAD.top;
  const y = (score) => y0 - (score / 100) * (y0 - y1);
  for (const level of [0, 25, 50, 75, 100]) {
    root.append(svg("line", { x1: x0, x2: x1, y1: y(level), y2: y(level), class: "grid" }));
    root.append(svg("text", { x: x0 - 6, y: y(level) + 4, class: "axis", "text-anchor": "end" }, level));
  }
  if (!points.length) return;
  const times = points.map((p) => new Date(p.started_at).getTime());
  const t0 = Math.min(...times), t1 = Math.max(...times);
  // evenly spaced when all calls share a moment; by time otherwise
  const x = (i) => points.length === 1 ? (x0 + x1) / 2
    : t1 === t0 ? x0 + (i / (points.length - 1)) * (x1 - x0)
    : x0 + ((times[i] - t0) / (t1 - t0)) * (x1 - x0);
  const line = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.overall).toFixed(1)}`);
  root.append(svg("path", { d: line.join(" "), class: "trend-line" }));
  points.forEach((p, i) => {
    const link = svg("a", { href: `/calls/${p.call_id}` });
    const dot = svg("circle", { cx: x(i), cy: y(p.overall), r: 5, class: "trend-dot" });
    dot.append(svg("title", {}, `${new Date(p.started_at).toLocaleString()} · ${p.scenario} · ${Math.round(p.overall)}`));
    link.append(dot);
    root.append(link);
  });
  const first = new Date(t0).toLocaleDateString(), last = new Date(t1).toLocaleDateString();
  root.append(svg("text", { x: x0, y: H - 10, class: "axis" }, first));
  root.append(svg("text", { x: x1, y: H - 10, class: "axis", "text-anchor": "end" }, last));
}
