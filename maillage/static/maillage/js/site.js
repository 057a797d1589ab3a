/* Small enhancements; every page works without them. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    // Forms enhanced by htmx refresh themselves; the others are submitted as usual.
    if (form && !form.hasAttribute("hx-get")) { form.requestSubmit(); }
  });
})();
