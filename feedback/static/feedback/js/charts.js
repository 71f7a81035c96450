// Draws each feedback distribution with Chart.js (the dashboard's library, served from the project's static
// files) from the figures of its table, passed with json_script. The table stays as the accessible equivalent:
// without Chart.js (or without script) it alone carries the figures.
// Kept apart from reports/static/reports/reports.js (another area); the two could share one helper later.
(function () {
    "use strict";
    var COLOUR = "#1d5a96";

    function draw(canvas) {
        var source = document.getElementById(canvas.dataset.feedbackChart);
        if (!source || typeof window.Chart === "undefined" || window.Chart.getChart(canvas)) { return; }
        var spec = JSON.parse(source.textContent);
        if (spec.horizontal) {  // one bar per option: room for each, however many there are
            canvas.parentNode.style.height = (3 + 2.25 * spec.labels.length) + "rem";
        }
        var counts = {beginAtZero: true, ticks: {precision: 0}};
        new window.Chart(canvas, {
            type: spec.type,
            data: {labels: spec.labels, datasets: [{label: spec.label, data: spec.data, backgroundColor: COLOUR,
                                                    borderColor: COLOUR}]},
            options: {
                indexAxis: spec.horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false,
                animation: false, plugins: {legend: {display: false}},
                scales: spec.horizontal ? {x: counts} : {y: counts}
            }
        });
    }

    function start() { document.querySelectorAll("canvas[data-feedback-chart]").forEach(draw); }
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
