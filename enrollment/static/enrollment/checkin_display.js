// The trainer's check-in screen (attendance/checkin_display.html): every 5 seconds, the current code, its QR
// code and the people checked in so far, from the JSON feed named in the box's data-feed attribute.
(function () {
    "use strict";
    var box = document.getElementById("checkin");
    if (!box) {
        return;
    }
    function refresh() {
        fetch(box.dataset.feed, {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (r) { return r.json(); })
            .then(function (data) {
                if (data.error) { return; }
                document.getElementById("checkin-code").textContent = data.code;
                document.getElementById("checkin-qr").innerHTML = data.qr_svg;
                document.getElementById("checkin-count").textContent = data.count;
                var list = document.getElementById("checkin-list");
                list.textContent = "";
                data.checkins.forEach(function (c) {
                    var li = document.createElement("li");
                    li.textContent = c.at + " · " + c.name;
                    list.appendChild(li);
                });
            }).catch(function () {});
    }
    setInterval(refresh, 5000);
})();
