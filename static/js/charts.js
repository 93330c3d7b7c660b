// Draws every <canvas data-chart="bar|line" data-source="id"> from the JSON
// embedded with Django's json_script ({labels: [...], series: {name: [...]}}).
// The table beside each chart carries the same figures for readers without
// JavaScript; nothing here evaluates strings, so the CSP stays strict.
//
// Options, as attributes on the canvas:
//   data-stacked        stack the series (one bar per label)
//   data-horizontal     bars run left to right (the funnel)
//   data-grade-colours  colour each bar by its grade label (A-F)
//   data-percent        values are percentages: axis 0-100 with a % sign
// Charts are drawn on page load only: htmx strips <script> elements (json_script
// included) from swapped fragments, so a chart's data never arrives that way.
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var palette = ["#5b3cc4", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8d99ae"];
  var grades = { A: "#137333", B: "#3f8f2f", C: "#b08d00", D: "#b06000", F: "#b3261e" };

  function percentTick(value) { return value + "%"; }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var names = Object.keys(data.series || {});
    var type = canvas.getAttribute("data-chart");
    var byGrade = canvas.hasAttribute("data-grade-colours");
    var stacked = canvas.hasAttribute("data-stacked");
    var horizontal = canvas.hasAttribute("data-horizontal");
    var percent = canvas.hasAttribute("data-percent");
    var datasets = names.map(function (name, i) {
      var colour = palette[i % palette.length];
      return {
        label: name,
        data: data.series[name],
        backgroundColor: byGrade ? data.labels.map(function (g) { return grades[g] || colour; }) : colour,
        borderColor: colour,
        pointRadius: type === "line" ? 3 : undefined,
        tension: type === "line" ? 0.25 : undefined,
        stack: stacked ? "all" : undefined
      };
    });
    var valueAxis = { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } };
    if (percent) {
      valueAxis.max = 100;
      valueAxis.ticks = { callback: percentTick };
    }
    var labelAxis = { stacked: stacked, ticks: { autoSkip: true, maxRotation: 0 } };
    new window.Chart(canvas, {
      type: type,
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: names.length > 1 } },
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis }
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
})();
