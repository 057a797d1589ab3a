/* Maillage widgets for partner sites. Paste, where the widget goes:
     <div data-maillage-widget="map" data-lang="nl" data-commune="schaerbeek"></div>
     <script src="https://SITE/static/widgets/maillage-embed.js" async></script>
   data-maillage-widget: map | agenda; data-lang: fr | nl | en; filters as on Maillage (several
   values separated by commas): theme, commune, kind, language, audience, venue, status, q (map),
   theme, commune, audience, language, organiser, q (agenda); appearance: data-accent="#2a6f97",
   data-scheme="dark", data-compact="1"; data-height: the starting height in pixels; data-title: the
   iframe's title, its name for screen readers (else the embedded page's title once it is loaded).
   The script makes an iframe of the widget on its own site, then fits its height to the content
   the embedded page reports (messages from any other origin are ignored). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || !window.URL) { return; }
  var origin = new URL(script.src, window.location.href).origin;
  var LANGS = ["fr", "nl", "en"];
  var APPEARANCE = ["accent", "scheme", "compact"];
  var FILTERS = {
    map: ["theme", "commune", "kind", "language", "audience", "venue", "status", "q"],
    agenda: ["theme", "commune", "audience", "language", "organiser", "q"]
  };

  function build(div) {
    var kind = div.getAttribute("data-maillage-widget");
    if (!FILTERS.hasOwnProperty(kind) || div.hasAttribute("data-maillage-ready")) { return; }
    var lang = div.getAttribute("data-lang");
    if (LANGS.indexOf(lang) < 0) { lang = (document.documentElement.lang || "").slice(0, 2); }
    if (LANGS.indexOf(lang) < 0) { lang = "fr"; }
    var params = new URLSearchParams();
    FILTERS[kind].concat(APPEARANCE).forEach(function (name) {
      var value = div.getAttribute("data-" + name);
      if (!value) { return; }
      (name === "q" ? [value] : value.split(",")).forEach(function (one) {
        one = one.trim();
        if (one) { params.append(name, one); }
      });
    });
    var query = params.toString();
    var height = parseInt(div.getAttribute("data-height"), 10);
    var iframe = document.createElement("iframe");
    iframe.src = origin + "/" + lang + "/embed/" + kind + "/" + (query ? "?" + query : "");
    iframe.title = div.getAttribute("data-title") || "Maillage";
    if (div.getAttribute("data-title")) { iframe.setAttribute("data-title-set", ""); }
    iframe.setAttribute("loading", "lazy");
    iframe.width = "100%";
    iframe.height = String(height >= 100 && height <= 5000 ? height : 450);
    iframe.style.border = "0";
    iframe.style.display = "block";
    iframe.style.width = "100%";
    div.setAttribute("data-maillage-ready", "");
    div.appendChild(iframe);
  }

  function receive(event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.maillage !== "height") { return; }
    var height = Math.round(Number(data.height));
    if (!(height > 0)) { return; }
    var frames = document.querySelectorAll("[data-maillage-ready] > iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].height = String(Math.min(height, 10000));
        frames[i].setAttribute("data-maillage-height", String(height));
        if (typeof data.title === "string" && !frames[i].hasAttribute("data-title-set")) {
          frames[i].title = data.title.slice(0, 200);
          frames[i].setAttribute("data-title-set", "");
        }
      }
    }
  }

  function start() {
    var divs = document.querySelectorAll("[data-maillage-widget]");
    for (var i = 0; i < divs.length; i++) { build(divs[i]); }
  }

  // The snippet may be pasted more than once: listen once per Maillage site.
  var listening = window.maillageEmbedOrigins = window.maillageEmbedOrigins || {};
  if (!listening[origin]) {
    listening[origin] = true;
    window.addEventListener("message", receive);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
