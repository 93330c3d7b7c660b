// Draws every <canvas data-chart="bar|line" data-source="id"> from the JSON
// embedded with Django's json_script ({labels: [...], series: {name: [...]}}).
// The table beside each chart carries the same figures for readers without
// JavaScript; nothing here evaluates strings, so the CSP stays strict.
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var palette = ["#5b3cc4", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8d99ae"];
  var grades = { A: "#137333", B: "#3f8f2f", C: "#b08d00", D: "#b06000", F: "#b3261e" };
  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var names = Object.keys(data.series || {});
    var byGrade = canvas.hasAttribute("data-grade-colours");
    var datasets = names.map(function (name, i) {
      var colour = palette[i % palette.length];
      return {
        label: name,
        data: data.series[name],
        backgroundColor: byGrade ? data.labels.map(function (g) { return grades[g] || colour; }) : colour,
        borderColor: colour,
        stack: canvas.getAttribute("data-stacked") ? "all" : undefined
      };
    });
    new window.Chart(canvas, {
      type: canvas.getAttribute("data-chart"),
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: names.length > 1 } },
        scales: { x: { stacked: !!canvas.getAttribute("data-stacked") },
                  y: { stacked: !!canvas.getAttribute("data-stacked"), beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();
