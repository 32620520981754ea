/* Draws every plotly figure of the page from its JSON (built server-side) and makes each
   point a link: a click follows the point's customdata URL. No inline script needed. */
(function () {
  function urlOf(point) {
    var data = point.customdata;
    if (Array.isArray(data)) { data = data[0]; }
    return typeof data === "string" ? data : null;
  }
  // A text alternative for screen readers: the card's heading and each trace's points
  // ("Class A: 412; Class B: 530"), as the chart's own SVG text reads as noise.
  function describe(element, figure) {
    if (element.getAttribute("aria-label")) { element.setAttribute("role", "img"); return; }
    var card = element.closest("section");
    var heading = card && card.querySelector("h2") ? card.querySelector("h2").textContent.trim() : "";
    var parts = [];
    (figure.data || []).forEach(function (trace) {
      var names = trace.labels || trace.x || [], values = trace.values || trace.y || [];
      if (trace.type === "heatmap" || !names.length || names.length > 24) { return; }
      var points = [];
      for (var i = 0; i < names.length; i++) {
        var value = values[i];
        if (value === undefined) { continue; }
        if (typeof value === "number") {
          value = value.toLocaleString(document.documentElement.lang || "en", {maximumFractionDigits: 1});
        }
        points.push(names[i] + ": " + value);
      }
      var named = trace.name && !/^trace \d+$/.test(trace.name);  // plotly's default name
      parts.push((named ? trace.name + " — " : "") + points.join("; "));
    });
    element.setAttribute("role", "img");
    element.setAttribute("aria-label", [heading].concat(parts).filter(Boolean).join(". "));
  }
  function draw(element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source) { return; }
    var figure = JSON.parse(JSON.parse(source.textContent));
    // Month names and number separators in the page's language (German: plotly-locale-de.js).
    var config = {displayModeBar: false, responsive: true, locale: document.documentElement.lang || "en"};
    Plotly.newPlot(element, figure.data, figure.layout, config)
      .then(function () {
        // From the drawn traces: plotly has decoded the JSON's packed number arrays.
        describe(element, {data: element._fullData || element.data});
        element.dataset.rendered = "true";
        element.on("plotly_click", function (event) {
          var url = event.points && event.points.length ? urlOf(event.points[0]) : null;
          if (url) { window.location.assign(url); }
        });
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure]").forEach(draw);
  });
})();
