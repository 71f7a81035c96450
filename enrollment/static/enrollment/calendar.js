/* Calendar feed page: copy the feed address to the clipboard and say so to screen readers. */
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.copyTarget);
        var status = document.querySelector(".calendar-copy-status");
        var done = function () { if (status) { status.textContent = button.dataset.copiedText; } };
        if (navigator.clipboard && navigator.clipboard.writeText) {
            navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
        } else {
            input.select();
            document.execCommand("copy");
            done();
        }
    });
});
