// Draw the charts of a campaign's results page from the figures passed with json_script.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("results-charts");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var bar = function (id, labels, datasets, max) {
      var canvas = document.getElementById(id);
      if (!canvas) return;
      new Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: datasets },
        options: { scales: { y: { beginAtZero: true, max: max } }, plugins: { legend: { display: datasets.length > 1 } } },
      });
    };
    var levels = document.getElementById("chart-levels");
    if (levels) {
      new Chart(levels, {
        type: "doughnut",
        data: {
          labels: data.levels.labels,
          datasets: [{ data: data.levels.values, backgroundColor: ["#198754", "#20c997", "#ffc107", "#fd7e14", "#dc3545"] }],
        },
      });
    }
    var dims = [{ label: "", data: data.dimensions.values, backgroundColor: "#0d6efd" }];
    if (data.dimensions.previous.some(function (v) { return v !== null; })) {
      dims.push({ label: "−1", data: data.dimensions.previous, backgroundColor: "#adb5bd" });
    }
    bar("chart-dimensions", data.dimensions.labels, dims, 5);
    bar("chart-tiers", data.tiers.labels, [{ label: "", data: data.tiers.values, backgroundColor: "#0d6efd" }], 100);
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
