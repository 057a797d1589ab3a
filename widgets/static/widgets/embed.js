/* Maillage embed pages: show the map instead of its list when Leaflet is there, open links on
   Maillage in a new tab, and tell the page embedding us (maillage-embed.js) our height and title. */
(function () {
  "use strict";
  var root = document.documentElement;
  if (typeof L !== "undefined" && document.querySelector("[data-map=full]")) {
    root.classList.add("map-on");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link) { link.target = "_blank"; link.rel = "noopener"; }
  });

  if (window.parent === window) { return; }
  var last = -1;
  function post() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    // Only a height and the (public) title: any origin may read them.
    window.parent.postMessage({ maillage: "height", height: height, title: document.title }, "*");
  }
  window.addEventListener("load", post);
  if (window.ResizeObserver) {
    new ResizeObserver(post).observe(root);
  } else {
    window.addEventListener("resize", post);
  }
})();
