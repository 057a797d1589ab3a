/* Small enhancements; every page works without them. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    // Filters apply as soon as they change; without JavaScript the "Apply" button does it.
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.type !== "search") { form.requestSubmit(); }
  });

  /* Read aloud: the main content in the page's language, with the browser's speech synthesis.
     The button is rendered hidden and shown only where speech synthesis exists. */
  var SPEECH_LANGS = { fr: "fr-BE", nl: "nl-BE", en: "en-GB" };
  var SKIP = "nav, script, style, noscript, template, [hidden], [aria-hidden='true'], .read-aloud, .visually-hidden, .skip-link";
  var BLOCKS = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|DD|DIV|DL|DT|FIELDSET|FIGCAPTION|FIGURE|FOOTER|FORM|H[1-6]|HEADER|HR|LI|MAIN|OL|P|PRE|SECTION|TABLE|TD|TH|TR|UL|LEGEND|LABEL|BUTTON|OPTION|SELECT)$/;

  function speechLang() {
    var lang = (document.documentElement.lang || "fr").toLowerCase();
    return SPEECH_LANGS[lang.split("-")[0]] || lang;
  }

  /* The readable text of an element, one entry per block, skipping what is not shown or is
     hidden from assistive technologies. */
  function readableChunks(root) {
    var chunks = [], current = [];
    function flush() {
      var text = current.join(" ").replace(/\s+/g, " ").trim();
      if (text) { chunks.push(text); }
      current = [];
    }
    function walk(node) {
      if (node.nodeType === Node.TEXT_NODE) { current.push(node.nodeValue); return; }
      if (node.nodeType !== Node.ELEMENT_NODE || node.matches(SKIP)) { return; }
      var style = window.getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") { return; }
      var block = BLOCKS.test(node.tagName);
      if (block) { flush(); }
      if (node.tagName === "INPUT" || node.tagName === "TEXTAREA") { return; }
      if (node.tagName === "IMG" && node.alt) { current.push(node.alt); }
      for (var child = node.firstChild; child; child = child.nextSibling) { walk(child); }
      if (block) { flush(); }
    }
    walk(root);
    flush();
    return chunks;
  }

  function pickVoice(lang) {
    var voices = window.speechSynthesis.getVoices() || [];
    var want = lang.toLowerCase().replace("_", "-"), primary = want.split("-")[0];
    var exact = null, near = null;
    voices.forEach(function (voice) {
      var have = (voice.lang || "").toLowerCase().replace("_", "-");
      if (!exact && have === want) { exact = voice; }
      if (!near && have.split("-")[0] === primary) { near = voice; }
    });
    return exact || near;
  }

  function setUpReadAloud(button) {
    var synth = window.speechSynthesis;
    var label = button.querySelector(".read-aloud-label") || button;
    var status = document.querySelector(".read-aloud-status");
    var reading = false;

    function show(on, message) {
      reading = on;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      label.textContent = on ? button.dataset.stop : button.dataset.start;
      if (status && message) { status.textContent = message; }
    }

    button.addEventListener("click", function () {
      if (reading) {
        synth.cancel();
        show(false, button.dataset.stopped);
        return;
      }
      var main = document.getElementById("main");
      var chunks = main ? readableChunks(main) : [];
      if (!chunks.length) { return; }
      synth.cancel();
      var lang = speechLang(), voice = pickVoice(lang);
      chunks.forEach(function (text, index) {
        var utterance = new window.SpeechSynthesisUtterance(text);
        utterance.lang = lang;
        if (voice) { utterance.voice = voice; }
        if (index === chunks.length - 1) {
          utterance.addEventListener("end", function () { if (reading) { show(false, button.dataset.stopped); } });
        }
        synth.speak(utterance);
      });
      show(true, button.dataset.reading);
    });
    window.addEventListener("pagehide", function () { if (reading) { synth.cancel(); } });
    button.hidden = false;
  }

  if ("speechSynthesis" in window && "SpeechSynthesisUtterance" in window) {
    var ready = function () {
      document.querySelectorAll("button.read-aloud").forEach(setUpReadAloud);
    };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  }
})();
