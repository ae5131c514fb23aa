// Draws every SPC chart on the page with vega-embed from the Vega-Lite spec the server put in
// a <script type="application/json"> tag (data, never executed, so the strict CSP allows it).
//
// CSP: the site forbids eval. Vega compiles expressions with `new Function` unless given an
// interpreter; `ast: true` makes vega-embed parse expressions to an AST and run them with the
// CSP-safe vega-interpreter it bundles (vega-embed 7: `expr: vega.expressionInterpreter ??
// opts.expr ?? <bundled interpreter>`). vega-embed's and vega-tooltip's <style> injection is
// switched off (`defaultStyle: false`, `disableDefaultStyle: true`); their CSS is in charts.css.
//
// Keyboard: each special-cause point becomes focusable (tabindex=0) with its explanation as its
// accessible name (Vega's `description` channel gives every point an aria-label), and focusing
// it shows the same tooltip as hovering (landscape §3.8: say why a point is flagged).

const OPTIONS = {
  renderer: "svg",
  actions: false,
  ast: true,
  defaultStyle: false,
  tooltip: { theme: "light", disableDefaultStyle: true, offsetX: 12, offsetY: 12 },
};

function specialPoints(view) {
  const out = [];
  const walk = (node) => {
    for (const item of node.items || []) {
      if (item.datum && item.datum.special === true && item.mark && item.mark.marktype === "symbol" && item._svg) {
        out.push(item);
      }
      if (item.items) walk(item);
    }
  };
  walk(view.scenegraph().root);
  return out;
}

const KEYS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

// One tab stop per chart (a roving tabindex): Tab reaches the first flagged point (or the one
// last visited), the arrow keys move between flagged points, Home and End jump to the ends,
// and Tab leaves the chart. An XmR chart can flag dozens of points; a tab stop for each would
// make the page hard to cross by keyboard.
function makeFocusable(view, figure) {
  const show = view.tooltip();
  const points = specialPoints(view).sort((a, b) => (a.datum.date < b.datum.date ? -1 : 1));
  const elements = points.map((item) => item._svg);
  const current = elements.findIndex((el) => el.getAttribute("tabindex") === "0");
  points.forEach((item, index) => {
    const el = item._svg;
    el.setAttribute("tabindex", index === Math.max(current, 0) ? "0" : "-1");
    if (el.dataset.mhsipFocusable) return;
    el.dataset.mhsipFocusable = "true";
    el.setAttribute("aria-label", item.datum.aria || `${item.datum.label}: ${item.datum.why}`);
    el.classList.add("mhsip-chart__special");
    el.addEventListener("focus", () => {
      for (const other of elements) other.setAttribute("tabindex", other === el ? "0" : "-1");
      const box = el.getBoundingClientRect();
      const event = { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
      if (show) show(view, event, item, item.tooltip);
      figure.dataset.focusedPoint = item.datum.date;
    });
    el.addEventListener("blur", () => {
      if (show) show(view, {}, item, null);
      delete figure.dataset.focusedPoint;
    });
    el.addEventListener("keydown", (event) => {
      const at = elements.indexOf(el);
      let next = null;
      if (event.key in KEYS) next = at + KEYS[event.key];
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = elements.length - 1;
      if (next === null) return;
      event.preventDefault();
      elements[Math.min(Math.max(next, 0), elements.length - 1)].focus();
    });
  });
}

async function draw(figure) {
  const script = document.getElementById(figure.dataset.specId);
  const canvas = figure.querySelector(".mhsip-chart__canvas");
  if (!script || !canvas) return;
  const spec = JSON.parse(script.textContent);
  try {
    const result = await window.vegaEmbed(canvas, spec, OPTIONS);
    makeFocusable(result.view, figure);
    // a resize re-renders the SVG; make any new point elements focusable again
    result.view.addResizeListener(() => requestAnimationFrame(() => makeFocusable(result.view, figure)));
    figure.classList.add("mhsip-chart--drawn");
  } catch (error) {
    figure.classList.add("mhsip-chart--failed");
    canvas.textContent = "The chart could not be drawn. The data table below has the same figures.";
    throw error;
  }
}

function drawAll() {
  if (typeof window.vegaEmbed !== "function") {
    for (const figure of document.querySelectorAll("[data-spc-chart]")) {
      figure.querySelector(".mhsip-chart__canvas").textContent =
        "The chart could not be drawn. The data table below has the same figures.";
    }
    return;
  }
  for (const figure of document.querySelectorAll("[data-spc-chart]")) draw(figure);
}

drawAll();
export { drawAll };
