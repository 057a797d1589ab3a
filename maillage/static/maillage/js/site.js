/* Small enhancements; every page works without them. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    // Filters apply as soon as they change; without JavaScript the "Apply" button does it.
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.type !== "search") { form.requestSubmit(); }
  });
})();
