/* bottleneck explore: the page. Plain JavaScript, no library, nothing fetched but this server. */
"use strict";

const KINDS = ["date", "attribute", "start", "end", "through", "rework", "duration"];
const page = { meta: null, view: null, state: null, box: null, home: null, busy: 0 };
window.explore = page; // for the tests: page.ready, page.view

const $ = (id) => document.getElementById(id);
const t = (key, values) => {
  let text = (page.meta && page.meta.texts[key]) || key;
  for (const [k, v] of Object.entries(values || {})) text = text.split("{" + k + "}").join(v);
  return text;
};
const token = new URLSearchParams(location.search).get("token") || "";
function url(path, params) {
  const q = new URLSearchParams(params || {});
  if (token) q.set("token", token);
  return path + "?" + q.toString();
}
async function getJSON(path, params) {
  const answer = await fetch(url(path, params), { credentials: "same-origin" });
  const data = await answer.json();
  if (!answer.ok) throw new Error(data.error || answer.statusText);
  return data;
}
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "onclick") node.addEventListener("click", v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function readHash() {
  const raw = decodeURIComponent(location.hash.slice(1));
  const base = { activities: "25", paths: "45", metric: "median", filters: [] };
  if (page.meta && page.meta.compare) base.view = "difference"; // two periods: their maps
  if (!raw) return base;
  try { return Object.assign(base, JSON.parse(raw)); } catch (e) { return base; }
}
function stateText() { return JSON.stringify(page.state); }

function showError(message) { $("message").textContent = t("ex_error", { message: message }); }

async function start() {
  page.meta = await getJSON("/api/meta");
  document.documentElement.lang = page.meta.lang;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  $("title").textContent = t("ex_title");
  $("source").textContent = page.meta.source;
  $("privacy").textContent = t(page.meta.anonymized ? "ex_anonymized" : "ex_not_anonymized");
  for (const m of page.meta.metrics) $("metric").append(el("option", { value: m }, t("ex_metric_" + m)));
  for (const k of KINDS) $("filter-kind").append(el("option", { value: k }, t("ex_kind_" + k)));
  $("filter-kind").addEventListener("change", filterFields);
  $("filter-apply").addEventListener("click", addFilter);
  $("variants-apply").addEventListener("click", addVariants);
  $("metric").addEventListener("change", () => change({ metric: $("metric").value }));
  for (const name of ["activities", "paths"]) {
    const slider = $(name);
    slider.addEventListener("input", () => { $(name + "-value").textContent = sliderText(slider); });
    slider.addEventListener("change", () => change({ [name]: sliderText(slider) }));
  }
  $("fit").addEventListener("click", fit);
  if (page.meta.compare) {
    $("views").hidden = false;
    $("compare-title").textContent = page.meta.compare.title;
    for (const v of page.meta.compare.views) {
      $("view-buttons").append(el("button", { type: "button", id: "view-" + v, "data-view": v,
        onclick: () => change({ view: v }) }, t("ex_view_" + v)));
    }
  }
  $("drawer-close").addEventListener("click", () => { $("drawer").hidden = true; });
  window.addEventListener("hashchange", () => { page.state = readHash(); load(); });
  zoomAndPan($("map"));
  filterFields();
  page.state = readHash();
  await load();
}

function sliderText(slider) {
  return Number(slider.value) >= Number(slider.max) ? "all" : String(slider.value);
}
function sliderAt(slider, value, total) {
  slider.max = String(Math.max(1, total));
  slider.value = value === "all" ? slider.max : String(Math.min(total, parseInt(value, 10) || total));
}

function change(part) {
  page.state = Object.assign({}, page.state, part);
  history.replaceState(null, "", "#" + encodeURIComponent(stateText()));
  return load();
}

async function load() {
  page.busy += 1;
  page.ready = false;
  $("message").textContent = "";
  try {
    const view = await getJSON("/api/view", { state: stateText() });
    page.view = view;
    render(view);
  } catch (e) {
    showError(e.message);
  } finally {
    page.busy -= 1;
    page.ready = page.busy === 0;
  }
}

function renderCompare(view) {
  const two = Boolean(view.compare);
  for (const b of document.querySelectorAll("#view-buttons button"))
    b.classList.toggle("active", b.dataset.view === view.view);
  $("metric").hidden = $("metric-label").hidden = two; // compare's maps show waits
  $("hint").textContent = t(two ? "ex_cmp_hint" : "ex_zoom_hint");
  $("command-title").textContent = t(two ? "ex_cmp_command" : "ex_command");
  $("export-csv").hidden = view.compare === "logs"; // the CSV holds one log
  const filtered = page.state.filters.length > 0;
  if (two && filtered && view.compare === "logs") $("command-note").textContent = t("ex_cmp_command_logs");
  $("compare-note").textContent = (two && !view.empty && view.note) || "";
  const box = $("difference");
  box.hidden = !two || view.empty || view.view !== "difference";
  if (box.hidden) return;
  $("verdict").textContent = view.verdict;
  $("introduced-title").textContent = view.introduced_title;
  const rows = view.introduced.map((r) => ["#" + r.rank, ...r.text]);
  const list = table(["#", ...view.introduced_head], rows);
  list.id = "introduced-table";
  const more = view.introduced_total - view.introduced.length;
  $("introduced").replaceChildren(list, more > 0 ? el("p", { class: "note" }, t("ex_cmp_more", { n: more })) : "");
}

function render(view) {
  $("kept").textContent = view.kept_text;
  $("metric").value = page.state.metric;
  $("command").textContent = view.command;
  $("command-note").textContent = page.state.filters.length ? t("ex_command_filtered") : "";
  $("export-svg").href = url("/export/map.svg", { state: stateText() });
  $("export-png").href = url("/export/map.png", { state: stateText() });
  $("export-csv").href = url("/export/log.csv", { state: stateText() });
  $("link").value = location.href;
  renderChips();
  renderVariants(view);
  renderCompare(view);
  const figures = $("figures");
  figures.replaceChildren();
  if (view.empty) {
    $("map").replaceChildren();
    $("message").textContent = view.message;
    return;
  }
  for (const [label, value] of view.figures) figures.append(el("tr", {}, el("td", {}, label), el("td", {}, value)));
  sliderAt($("activities"), page.state.activities, view.shown.total_activities);
  sliderAt($("paths"), page.state.paths, view.shown.total_arrows);
  $("activities-value").textContent = sliderText($("activities"));
  $("paths-value").textContent = sliderText($("paths"));
  const holder = $("map");
  holder.innerHTML = view.svg.slice(view.svg.indexOf("<svg"));
  const svg = holder.querySelector("svg");
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  const vb = svg.viewBox.baseVal;
  page.home = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
  page.box = Object.assign({}, page.home);
  for (const edge of svg.querySelectorAll("g.edge")) {
    const ends = edge.querySelector("title").textContent.split("->");
    const names = ends.map((id) => view.names[id]);
    if (names[0] && names[1]) {
      edge.dataset.source = names[0];
      edge.dataset.target = names[1];
    }
  }
  for (const node of svg.querySelectorAll("g.node")) {
    const name = view.names[node.querySelector("title").textContent];
    if (name) node.dataset.activity = name;
  }
  holder.dataset.nodes = String(svg.querySelectorAll("g.node").length);
  holder.dataset.edges = String(svg.querySelectorAll("g.edge").length);
}

function chipText(f) {
  const kind = t("ex_kind_" + f.kind);
  if (f.kind === "date" || f.kind === "duration")
    return `${kind} ${f.low ? t("ex_from") + " " + f.low : ""} ${f.high ? t("ex_to") + " " + f.high : ""}`;
  if (f.kind === "attribute")
    return `${f.column}: ${(f.values || []).join(", ")}${f.mode === "events" ? " (" + t("ex_only_events") + ")" : ""}`;
  if (f.kind === "variant") return `${kind}: ${(f.values || []).map((v) => shortPath(v.split(" → "))).join(" | ")}`;
  if (f.kind === "rework") return kind;
  return `${kind}: ${(f.values || []).join(", ")}`;
}
function renderChips() {
  const chips = $("chips");
  chips.replaceChildren();
  page.state.filters.forEach((f, i) => {
    const remove = el("button", { type: "button", title: t("ex_remove"), "aria-label": t("ex_remove"),
      onclick: () => change({ filters: page.state.filters.filter((_, j) => j !== i) }) }, "×");
    chips.append(el("span", { class: "chip" }, chipText(f), " ", remove));
  });
}

function shortPath(activities) {
  if (activities.length <= 5) return activities.join(" → ");
  return [...activities.slice(0, 2), `… (+${activities.length - 4}) …`, ...activities.slice(-2)].join(" → ");
}
function renderVariants(view) {
  const box = $("variants");
  const rows = view.empty ? [] : view.variants || [];
  $("variant-panel").hidden = view.empty;
  const list = el("table", { id: "variant-table" });
  list.append(el("tr", {}, el("th", {}, ""), el("th", {}, "#"), el("th", {}, t("ex_col_cases")),
    el("th", {}, t("ex_col_share")), el("th", {}, t("ex_col_path"))));
  for (const v of rows) {
    const pick = el("input", { type: "checkbox", class: "variant-pick", value: v.variant });
    list.append(el("tr", { title: v.variant }, el("td", {}, pick), el("td", { class: "num" }, v.rank),
      el("td", { class: "num" }, v.cases), el("td", { class: "num" }, v.share_text),
      el("td", {}, shortPath(v.activities))));
  }
  box.replaceChildren(list);
  $("variants-more").textContent = rows.length ? t("ex_variants_more", { shown: rows.length, total: view.variants_total }) : "";
}
function addVariants() {
  const chosen = Array.from(document.querySelectorAll("#variants .variant-pick:checked")).map((c) => c.value);
  if (!chosen.length) return;
  return change({ filters: page.state.filters.concat([{ kind: "variant", values: chosen }]) });
}
function multi(id, values) {
  const select = el("select", { id: id, multiple: "multiple" });
  for (const v of values) select.append(el("option", { value: Array.isArray(v) ? v[0] : v },
    Array.isArray(v) ? `${v[0]} (${v[1]})` : v));
  return select;
}
function filterFields() {
  const kind = $("filter-kind").value;
  const box = $("filter-fields");
  box.replaceChildren();
  if (kind === "date") {
    const m = page.meta;
    box.append(t("ex_from"), el("input", { id: "f-low", type: "date", value: m.first_day, min: m.first_day, max: m.last_day }),
      t("ex_to"), el("input", { id: "f-high", type: "date", value: m.last_day, min: m.first_day, max: m.last_day }));
  } else if (kind === "duration") {
    box.append(t("ex_from"), el("input", { id: "f-low", type: "number", min: "0", step: "any" }),
      t("ex_to"), el("input", { id: "f-high", type: "number", min: "0", step: "any" }));
  } else if (kind === "attribute") {
    const columns = el("select", { id: "f-column" });
    const perEvent = page.meta.event_attributes || [];
    for (const name of Object.keys(page.meta.attributes))
      columns.append(el("option", { value: name }, perEvent.includes(name) ? `${name} (${t("ex_event_attribute")})` : name));
    const values = el("div", { id: "f-values-box" });
    const search = el("input", { id: "f-search", type: "search", placeholder: t("ex_search") });
    const mode = el("select", { id: "f-mode" });
    mode.append(el("option", { value: "" }, t("ex_mode_cases")), el("option", { value: "events" }, t("ex_mode_events")));
    const fill = () => {
      const words = search.value.trim().toLowerCase();
      const all = page.meta.attributes[columns.value] || [];
      values.replaceChildren(multi("f-values", all.filter((v) => !words || String(v[0]).toLowerCase().includes(words))));
      mode.hidden = !perEvent.includes(columns.value);
      if (mode.hidden) mode.value = "";
    };
    columns.addEventListener("change", () => { search.value = ""; fill(); });
    search.addEventListener("input", fill);
    box.append(columns, search, values, mode);
    fill();
  } else if (kind !== "rework") {
    box.append(multi("f-values", page.meta.activities));
  }
}
function addFilter() {
  const kind = $("filter-kind").value;
  const f = { kind: kind };
  const chosen = $("f-values") ? Array.from($("f-values").selectedOptions).map((o) => o.value) : [];
  if (kind === "date" || kind === "duration") {
    f.low = $("f-low").value;
    f.high = $("f-high").value;
  } else if (kind === "attribute") {
    f.column = $("f-column").value;
    f.values = chosen;
    if ($("f-mode").value) f.mode = $("f-mode").value;
  } else if (kind !== "rework") {
    f.values = chosen;
  }
  if (f.values && !f.values.length) return;
  return change({ filters: page.state.filters.concat([f]) });
}

function setBox(svg) {
  const b = page.box;
  svg.setAttribute("viewBox", `${b.x} ${b.y} ${b.w} ${b.h}`);
}
function fit() {
  const svg = $("map").querySelector("svg");
  if (!svg || !page.home) return;
  page.box = Object.assign({}, page.home);
  setBox(svg);
}
function zoomAndPan(holder) {
  let drag = null;
  holder.addEventListener("wheel", (e) => {
    const svg = holder.querySelector("svg");
    if (!svg || !page.box) return;
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    const k = e.deltaY > 0 ? 1.15 : 1 / 1.15;
    const b = page.box;
    const scale = Math.max(b.w / r.width, b.h / r.height);
    const px = b.x + (e.clientX - r.left - (r.width - b.w / scale) / 2) * scale;
    const py = b.y + (e.clientY - r.top - (r.height - b.h / scale) / 2) * scale;
    page.box = { x: px - (px - b.x) * k, y: py - (py - b.y) * k, w: b.w * k, h: b.h * k };
    setBox(svg);
  }, { passive: false });
  holder.addEventListener("mousedown", (e) => {
    if (!page.box) return;
    drag = { x: e.clientX, y: e.clientY, box: Object.assign({}, page.box), moved: false };
  });
  window.addEventListener("mousemove", (e) => {
    const svg = holder.querySelector("svg");
    if (!drag || !svg) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; holder.classList.add("dragging"); }
    if (!drag.moved) return;
    const r = svg.getBoundingClientRect();
    const scale = Math.max(drag.box.w / r.width, drag.box.h / r.height);
    page.box = Object.assign({}, drag.box, { x: drag.box.x - dx * scale, y: drag.box.y - dy * scale });
    setBox(svg);
  });
  window.addEventListener("mouseup", () => { setTimeout(() => { drag = null; }, 0); holder.classList.remove("dragging"); });
  holder.addEventListener("dblclick", fit);
  holder.addEventListener("click", (e) => {
    if (drag && drag.moved) return;
    const edge = e.target.closest("g.edge[data-source], g.node[data-activity]");
    if (edge) {
      e.preventDefault();
      for (const other of holder.querySelectorAll(".selected")) other.classList.remove("selected");
      edge.classList.add("selected");
      // an activity: every wait before it (source "")
      showEdge(edge.dataset.source || "", edge.dataset.target || edge.dataset.activity);
    }
  });
}

function table(head, rows) {
  const out = el("table", {});
  out.append(el("tr", {}, ...head.map((h) => el("th", {}, h))));
  for (const r of rows) out.append(el("tr", {}, ...r.map((c) => el("td", {}, c))));
  return out;
}
function openDrawer(...children) {
  $("drawer-body").replaceChildren(...children);
  $("drawer").hidden = false;
}
async function showEdge(source, target) {
  page.ready = false;
  try {
    const d = await getJSON("/api/edge", { state: stateText(), source: source, target: target });
    page.edge = d;
    const most = Math.max(1, ...d.histogram.map((b) => b.count));
    const bars = d.histogram.map((b) => {
      const bar = el("div", { class: "bar" });
      bar.style.width = `${(100 * b.count) / most}%`;
      return [`${b.from} – ${b.to}`, b.count, bar];
    });
    const slowest = d.slowest.map((c) => [
      el("button", { type: "button", class: "case-link", onclick: () => showCase(c.number) }, c.case),
      c.wait, c.path.join(" → ")]);
    openDrawer(el("h2", { id: "drawer-title" }, d.title),
      table(["", ""], d.figures),
      el("h2", {}, t("ex_edge_histogram")), table(["", "", ""], bars),
      el("h2", {}, d.trend.title), trendChart(d.trend), el("p", { class: "note" }, d.trend.note),
      el("h2", {}, t("ex_causes_title")), el("div", { id: "causes" }, el("p", { class: "note" }, t("ex_causes_computing"))),
      el("h2", {}, t("ex_slowest")), table([t("ex_col_case"), t("ex_col_wait"), t("ex_col_path")], slowest));
    // the causes take longer (computed once per set of filters): they fill in when ready
    const c = await getJSON("/api/causes", { state: stateText(), source: source, target: target });
    if (page.edge !== d) return; // another arrow was clicked meanwhile
    d.causes = c;
    $("causes").replaceWith(causesBlock(c));
  } catch (e) { showError(e.message); } finally { page.ready = page.busy === 0; }
}
const SVG_NS = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}
// the weekly trend: a bar per week (waits that ended then) and a line of the week's median wait
function trendChart(trend) {
  const weeks = trend.weeks;
  const W = 400, H = 150, left = 34, right = 52, top = 10, bottom = 28;
  const svg = svgEl("svg", { id: "trend-chart", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": trend.title });
  if (!weeks.length) return svg;
  const most = Math.max(1, ...weeks.map((w) => w.count));
  const longest = Math.max(1, ...weeks.map((w) => w.median_s || 0));
  const step = (W - left - right) / weeks.length, inner = H - top - bottom;
  const y = (v, max) => top + inner * (1 - v / max);
  svg.append(svgEl("line", { x1: left, x2: W - right, y1: top + inner, y2: top + inner, class: "axis" }));
  const points = [];
  weeks.forEach((w, i) => {
    const x = left + i * step;
    const bar = svgEl("rect", { x: x + step * 0.15, y: y(w.count, most), width: Math.max(1, step * 0.7),
      height: top + inner - y(w.count, most), class: "week-bar" });
    bar.append(svgEl("title", {}, `${w.label}: ${w.count} · ${trend.median_label} ${w.median || "–"}`));
    svg.append(bar);
    if (w.median_s !== null) points.push(`${x + step / 2},${y(w.median_s, longest)}`);
  });
  if (points.length > 1) svg.append(svgEl("polyline", { points: points.join(" "), class: "median-line" }));
  for (const p of points) {
    const [cx, cy] = p.split(",");
    svg.append(svgEl("circle", { cx: cx, cy: cy, r: 2.5, class: "median-dot" }));
  }
  const longestText = weeks.reduce((a, w) => (w.median_s || 0) > (a.median_s || 0) ? w : a).median;
  svg.append(svgEl("text", { x: left - 4, y: top + 8, "text-anchor": "end", class: "count-label" }, String(most)));
  svg.append(svgEl("text", { x: left - 4, y: top + inner, "text-anchor": "end", class: "count-label" }, "0"));
  svg.append(svgEl("text", { x: W - right + 4, y: top + 8, class: "median-label" }, longestText));
  svg.append(svgEl("text", { x: left, y: H - 14, class: "week-label" }, weeks[0].label));
  if (weeks.length > 1)
    svg.append(svgEl("text", { x: W - right, y: H - 14, "text-anchor": "end", class: "week-label" }, weeks[weeks.length - 1].label));
  svg.append(svgEl("text", { x: left, y: H - 2, class: "count-label" }, "▮ " + trend.count_label));
  svg.append(svgEl("text", { x: W - right, y: H - 2, "text-anchor": "end", class: "median-label" }, "● " + trend.median_label));
  return svg;
}
// the causes of the wait on the arrow, as `bottleneck causes` gives them, or why there are none
function causesBlock(c) {
  const box = el("div", { id: "causes" });
  if (!c.available) {
    box.append(el("p", { class: "note", id: "causes-missing" }, c.message));
    return box;
  }
  const rows = c.lines.map((line) => {
    const bar = el("div", { class: "bar cause-bar" });
    bar.style.width = `${100 * line.share}%`;
    return [line.label, line.time, line.share_text, bar];
  });
  const list = table(["", "", "", ""], rows);
  list.id = "causes-table";
  box.append(el("p", {}, c.summary), list, ...c.notes.map((n) => el("p", { class: "note" }, n)));
  return box;
}
async function showCase(number) {
  page.ready = false;
  try {
    const d = await getJSON("/api/case", { n: String(number) });
    page.case = d;
    const rows = d.steps.map((s) => [s.activity, s.start, s.end, s.wait, s.work, s.officer, s.unit]);
    openDrawer(el("h2", { id: "drawer-title" }, d.title),
      table([t("ex_col_activity"), t("ex_col_start"), t("ex_col_end"), t("ex_col_wait"), t("ex_col_work"),
        t("ex_col_officer"), t("ex_col_unit")], rows));
  } catch (e) { showError(e.message); } finally { page.ready = page.busy === 0; }
}

start().catch((e) => showError(e.message));
