/* Small enhancements; every page works without them. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    // Filters apply as soon as they change; without JavaScript the "Apply" button does it.
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.type !== "search") { form.requestSubmit(); }
  });

  /* Read aloud: the main content with the browser's speech synthesis, each part in its own language
     (the page's, or a fallback text's lang attribute). The button is rendered hidden and shown only
     where speech synthesis exists. Parts are short (Chrome cuts an utterance off after ~15 s). */
  var SPEECH_LANGS = { fr: "fr-BE", nl: "nl-BE", en: "en-GB" };
  var SKIP = "nav, script, style, noscript, template, [hidden], [aria-hidden='true'], .read-aloud, .visually-hidden, .skip-link";
  var BLOCKS = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|DD|DIV|DL|DT|FIELDSET|FIGCAPTION|FIGURE|FOOTER|FORM|H[1-6]|HEADER|HR|LI|MAIN|OL|P|PRE|SECTION|TABLE|TD|TH|TR|UL|LEGEND|LABEL|BUTTON|SELECT)$/;
  var MAX_CHARS = 180;

  function speechLang(lang) {
    lang = (lang || "").toLowerCase();
    return SPEECH_LANGS[lang.split("-")[0]] || lang;
  }

  /* A long text cut into parts of at most MAX_CHARS: whole sentences where possible, then at
     commas or spaces. */
  function shortParts(text, lang) {
    if (text.length <= MAX_CHARS) { return [text]; }
    var sentences;
    if (window.Intl && Intl.Segmenter) {
      sentences = Array.from(new Intl.Segmenter(lang, { granularity: "sentence" }).segment(text), function (s) { return s.segment; });
    } else {
      sentences = text.match(/[^.!?…]+[.!?…]*\s*/g) || [text];
    }
    var parts = [], current = "";
    function push(piece) {
      if (current && (current + piece).length > MAX_CHARS) { parts.push(current.trim()); current = ""; }
      current += piece;
    }
    sentences.forEach(function (sentence) {
      if (sentence.length <= MAX_CHARS) { push(sentence); return; }
      (sentence.match(/[^,;:]+[,;:]?\s*/g) || [sentence]).forEach(function (clause) {
        if (clause.length <= MAX_CHARS) { push(clause); return; }
        clause.split(/(\s+)/).forEach(push);
      });
    });
    if (current.trim()) { parts.push(current.trim()); }
    return parts;
  }

  /* The readable parts of an element, {text, lang}, one or more per block, skipping what is not
     shown or is hidden from assistive technologies. */
  function readableChunks(root) {
    var chunks = [], current = [], currentLang = speechLang(document.documentElement.lang || "fr");
    function flush() {
      var text = current.join(" ").replace(/\s+/g, " ").trim();
      if (text) {
        shortParts(text, currentLang).forEach(function (part) { chunks.push({ text: part, lang: currentLang }); });
      }
      current = [];
    }
    function walk(node) {
      if (node.nodeType === Node.TEXT_NODE) { current.push(node.nodeValue); return; }
      if (node.nodeType !== Node.ELEMENT_NODE || node.matches(SKIP)) { return; }
      var style = window.getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") { return; }
      var block = BLOCKS.test(node.tagName), outerLang = currentLang;
      var ownLang = node.getAttribute("lang") ? speechLang(node.getAttribute("lang")) : currentLang;
      if (block || ownLang !== currentLang) { flush(); currentLang = ownLang; }
      if (node.tagName === "SELECT") {
        // What is chosen, not every option.
        Array.prototype.forEach.call(node.selectedOptions || [], function (option) { current.push(option.text); });
      } else if (node.tagName === "IMG" && node.alt) {
        current.push(node.alt);
      } else if (node.tagName !== "INPUT" && node.tagName !== "TEXTAREA") {
        for (var child = node.firstChild; child; child = child.nextSibling) { walk(child); }
      }
      if (block || ownLang !== outerLang) { flush(); currentLang = outerLang; }
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

  /* The button says what a press does ("Read aloud" / "Stop reading"); a live region says when
     reading starts and stops. */
  function setUpReadAloud(button) {
    var synth = window.speechSynthesis;
    var label = button.querySelector(".read-aloud-label") || button;
    var status = document.querySelector(".read-aloud-status");
    var reading = false, run = 0, queue = [];

    function show(on, message) {
      reading = on;
      button.classList.toggle("reading", on);
      label.textContent = on ? button.dataset.stop : button.dataset.start;
      if (status && message !== undefined) { status.textContent = message; }
    }

    function stop(message) {
      run += 1;
      queue = [];
      synth.cancel();
      show(false, message);
    }

    button.addEventListener("click", function () {
      if (reading) { stop(button.dataset.stopped); return; }
      var main = document.getElementById("main");
      var chunks = main ? readableChunks(main) : [];
      if (!chunks.length) { return; }
      stop();
      var mine = run, voices = {};
      // Kept referenced until spoken: Chrome may otherwise drop an utterance and never end.
      queue = chunks.map(function (chunk, index) {
        var utterance = new window.SpeechSynthesisUtterance(chunk.text);
        utterance.lang = chunk.lang;
        if (!(chunk.lang in voices)) { voices[chunk.lang] = pickVoice(chunk.lang); }
        if (voices[chunk.lang]) { utterance.voice = voices[chunk.lang]; }
        if (index === chunks.length - 1) {
          var done = function () { if (reading && run === mine) { show(false, button.dataset.stopped); } };
          utterance.addEventListener("end", done);
          utterance.addEventListener("error", done);
        }
        return utterance;
      });
      queue.forEach(function (utterance) { synth.speak(utterance); });
      show(true, button.dataset.reading);
    });
    // Leaving the page (or putting it in the back-forward cache) stops the voice.
    window.addEventListener("pagehide", function () { if (reading) { stop(""); } });
    button.hidden = false;
  }

  if ("speechSynthesis" in window && "SpeechSynthesisUtterance" in window) {
    var ready = function () {
      document.querySelectorAll("button.read-aloud").forEach(setUpReadAloud);
    };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  }
})();
