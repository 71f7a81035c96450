// Draws each report chart with Chart.js from the figures of its table (passed with json_script).
// Without Chart.js (not installed), the tables alone carry the figures.
(function () {
    "use strict";
    var COLOURS = ["#1d5a96", "#c2410c", "#15803d", "#7c3aed"];

    function draw(canvas) {
        var source = document.getElementById(canvas.dataset.chart);
        if (!source || typeof window.Chart === "undefined") { return; }
        var spec = JSON.parse(source.textContent);
        new window.Chart(canvas, {
            type: spec.type,
            data: {
                labels: spec.labels,
                datasets: spec.datasets.map(function (set, i) {
                    return {label: set.label, data: set.data, backgroundColor: COLOURS[i % COLOURS.length],
                            borderColor: COLOURS[i % COLOURS.length], tension: 0.2};
                })
            },
            options: {responsive: true, maintainAspectRatio: false, animation: false,
                      scales: {y: {beginAtZero: true}}}
        });
    }

    function start() { document.querySelectorAll("canvas[data-chart]").forEach(draw); }
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
