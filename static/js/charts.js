/* Draws every plotly figure of the page from its JSON (built server-side) and makes each
   point a link: a click follows the point's customdata URL. No inline script needed. */
(function () {
  function urlOf(point) {
    var data = point.customdata;
    if (Array.isArray(data)) { data = data[0]; }
    return typeof data === "string" ? data : null;
  }
  function draw(element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source) { return; }
    var figure = JSON.parse(JSON.parse(source.textContent));
    // Month names and number separators in the page's language (German: plotly-locale-de.js).
    var config = {displayModeBar: false, responsive: true, locale: document.documentElement.lang || "en"};
    Plotly.newPlot(element, figure.data, figure.layout, config)
      .then(function () {
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
