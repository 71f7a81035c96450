/* Disclosures marked data-open-wide (the catalogue's filters) are open on a wide screen, where they sit beside
   the results, and closed on a narrow one, where they would push the results below the first screen; the visitor
   can open or close them either way. Without this script they stay as the server rendered them (closed, or open
   when a field has an error). A static file: the Content-Security-Policy allows no inline script. */
(function () {
    "use strict";
    var wide = window.matchMedia("(min-width: 761px)");
    function apply() {
        var disclosures = document.querySelectorAll("details[data-open-wide]");
        for (var i = 0; i < disclosures.length; i++) {
            var details = disclosures[i];
            if (wide.matches) {
                details.open = true;
            } else if (!details.hasAttribute("data-open-narrow")) {
                details.open = false;
            }
        }
    }
    apply();
    wide.addEventListener("change", apply);
})();
