// "Copy the text" buttons: each copies the text of the element named by its
// data-copy-target (on one line, or line by line with data-copy-keep-lines) and says so
// in the status next to it. Without JavaScript (or
// without the clipboard) the button stays hidden and the text can be selected by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentElement.querySelector("[data-copy-status]");
    if (!target) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.hasAttribute("data-copy-keep-lines")
        ? target.innerText.trim()
        : target.innerText.replace(/\s+/g, " ").trim();
      navigator.clipboard.writeText(text).then(function () {
        if (status) {
          status.textContent = button.getAttribute("data-copied-message");
        }
      });
    });
  });
})();
