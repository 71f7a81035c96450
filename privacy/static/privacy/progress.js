// My data: poll each download that is being prepared and reload the page when one is ready.
(function () {
  "use strict";
  document.querySelectorAll("[data-status-url]").forEach(function (item) {
    var url = item.getAttribute("data-status-url");
    if (!url) { return; }
    var state = item.querySelector(".privacy-export-state");
    var bar = item.querySelector("progress");
    var timer = setInterval(function () {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
        if (state) { state.textContent = data.label; }
        if (bar) { bar.value = data.progress; }
        if (data.state !== "queued" && data.state !== "running") { clearInterval(timer); window.location.reload(); }
      }).catch(function () { clearInterval(timer); });
    }, 2000);
  });
})();
