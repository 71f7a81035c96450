// A background report download: poll its status (JSON) and move the progress bar; show the link when ready.
// A static file, no inline script: the admin's Content-Security-Policy holds.
(function () {
    "use strict";
    var section = document.querySelector("[data-export-status]");
    if (!section) { return; }
    var bar = section.querySelector("progress");
    var label = section.querySelector("[data-export-label]");
    var link = section.querySelector("[data-export-link]");
    var failed = section.querySelector("[data-export-failed]");
    var state = section.getAttribute("data-state");
    if (state !== "queued" && state !== "running") { return; }

    function poll() {
        fetch(section.getAttribute("data-export-status"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
            .then(function (data) {
                if (bar) { bar.value = data.progress; bar.textContent = data.progress + " %"; }
                if (label && label.textContent !== data.label) { label.textContent = data.label; }
                if (data.state === "ready" && data.url) {
                    link.querySelector("a").setAttribute("href", data.url);
                    link.hidden = false;
                } else if (data.state === "failed") {
                    failed.hidden = false;
                } else {
                    window.setTimeout(poll, 1500);
                }
            })
            .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
}());
