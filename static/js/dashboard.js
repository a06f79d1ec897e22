// The dashboard's charts (Chart.js) and map (jsvectormap), drawn from the data the page carries
// in <script id="dashboard-data" type="application/json">. Every bar and country opens the staff
// list of exactly the records it counts: the server gives the URL of each.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#d63384", "#20c997", "#ffc107", "#6c757d", "#0dcaf0", "#dc3545"];
  // How each chart is drawn: stacked bars by default.
  var layouts = {
    agreements_signed: { stacked: true },
    mobility: { stacked: false },
    visits: { stacked: true },
    partners_by_country: { stacked: false, horizontal: true },
  };
  window.dashboardCharts = {};

  data.charts.forEach(function (chart) {
    var canvas = document.querySelector('canvas[data-chart="' + chart.key + '"]');
    if (!canvas || typeof Chart === "undefined") return;
    var layout = layouts[chart.key] || { stacked: true };
    var datasets = chart.datasets.map(function (dataset, index) {
      return { label: dataset.label, data: dataset.data, backgroundColor: palette[index % palette.length], urls: dataset.urls };
    });
    var axis = { stacked: layout.stacked, ticks: { precision: 0 }, beginAtZero: true };
    window.dashboardCharts[chart.key] = new Chart(canvas, {
      type: "bar",
      data: { labels: chart.labels, datasets: datasets },
      options: {
        indexAxis: layout.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: Object.assign({}, axis), y: Object.assign({}, axis) },
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (!elements.length) return;
          var element = elements[0];
          var url = datasets[element.datasetIndex].urls[element.index];
          if (url) window.location.href = url;
        },
      },
    });
  });

  var mapBox = document.getElementById("partner-map");
  if (mapBox && typeof jsVectorMap !== "undefined") {
    var countries = data.map || {};
    var values = {};
    Object.keys(countries).forEach(function (code) { values[code] = countries[code].value; });
    var options = {
      selector: "#partner-map",
      map: "world",
      zoomButtons: true,
      regionStyle: { initial: { fill: "#e9ecef" }, hover: { fillOpacity: 0.8, cursor: "pointer" } },
      onRegionTooltipShow: function (event, tooltip, code) {
        var country = countries[code];
        tooltip.text(tooltip.text() + ": " + (country ? country.value : 0) + " — " + data.mapLabel);
      },
      onRegionClick: function (event, code) {
        if (countries[code]) window.location.href = countries[code].url;
      },
    };
    if (Object.keys(values).length) {
      options.visualizeData = { scale: ["#cfe2ff", "#084298"], values: values };
    }
    window.dashboardMap = new jsVectorMap(options);
  }
})();
