/* Snippet builder: a "Copy" button after each snippet (without JavaScript, select and copy). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var labels = document.getElementById("copy-labels");
    if (!labels || !navigator.clipboard) { return; }
    document.querySelectorAll("textarea.snippet").forEach(function (area) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary copy-snippet";
      button.textContent = labels.dataset.copy;
      button.setAttribute("aria-controls", area.id);
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(area.value).then(function () {
          button.textContent = labels.dataset.copied;
          setTimeout(function () { button.textContent = labels.dataset.copy; }, 2000);
        }, function () { area.select(); });
      });
      area.insertAdjacentElement("afterend", button);
    });
  });
})();
