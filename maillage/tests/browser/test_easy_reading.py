"""Easy reading and read aloud, in the browser: the switch in the header, with and without JavaScript."""

import json
import re

import pytest
from playwright.sync_api import expect

from .support import tr

pytestmark = pytest.mark.browser

SHORT_INTRO = "Find groups and help near you in Brussels."
SHORT_TAGLINE = "groups and help in Brussels, all in one place."
LONG_TAGLINE = "the open platform of the Brussels associative network."


def _font_size(page, selector):
    return page.locator(selector).first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")


def _switch(page):
    return page.locator("form.easy-switch button")


def _check_easy_mode(page, lang, *, normal_size):
    expect(page.locator("html")).to_have_class("easy")
    expect(_switch(page)).to_have_attribute("aria-pressed", "true")
    assert _font_size(page, "main p") >= 1.25 * normal_size
    nav_pictogram = page.locator(".main-nav .pictogram").first
    expect(nav_pictogram).to_be_visible()
    expect(nav_pictogram).to_have_attribute("aria-hidden", "true")
    underline = page.locator("main p a").first.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert "underline" in underline
    expect(page.locator(".site-footer")).to_contain_text(tr(lang, SHORT_TAGLINE))
    expect(page.locator(".site-footer")).not_to_contain_text(tr(lang, LONG_TAGLINE))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_easy_reading_switch_on_persists_across_pages_then_off(context_factory, javascript):
    page = context_factory(java_script_enabled=javascript).new_page()
    page.goto("/fr/")
    expect(_switch(page)).to_have_attribute("aria-pressed", "false")
    expect(page.locator("html")).not_to_have_class("easy")
    normal_size = _font_size(page, "main p")
    expect(page.locator(".main-nav .pictogram")).to_have_count(0)
    intro = page.locator(".hero p.intro")
    long_intro = intro.inner_text()
    assert tr("fr", SHORT_INTRO) not in long_intro
    button_padding = _switch(page).evaluate("el => parseFloat(getComputedStyle(el).paddingTop)")

    _switch(page).click()
    page.wait_for_load_state()
    assert page.url.endswith("/fr/"), "the switch goes back to the page it was used on"
    _check_easy_mode(page, "fr", normal_size=normal_size)
    expect(intro).to_have_text(tr("fr", SHORT_INTRO))
    assert _switch(page).evaluate("el => parseFloat(getComputedStyle(el).paddingTop)") > button_padding
    # Theme names keep their pictograms.
    expect(page.locator("#themes-title ~ .count-list [aria-hidden=true]").first).to_be_visible()

    page.get_by_role("navigation", name=tr("fr", "Main")).get_by_role("link", name=tr("fr", "Directory")).click()
    page.wait_for_url("**/fr/directory/")
    _check_easy_mode(page, "fr", normal_size=normal_size)

    _switch(page).click()
    page.wait_for_url("**/fr/directory/")
    expect(page.locator("html")).not_to_have_class("easy")
    expect(_switch(page)).to_have_attribute("aria-pressed", "false")
    assert _font_size(page, "main p") == normal_size
    expect(page.locator(".site-footer")).to_contain_text(tr("fr", LONG_TAGLINE))
    page.goto("/fr/")
    expect(intro).to_have_text(long_intro)


# A speech synthesis that records what it is asked to say, with one voice per language.
SPEECH_STUB = """
(() => {
  window.__spoken = [];
  window.__cancelled = 0;
  class Utterance {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; this.listeners = {}; }
    addEventListener(name, fn) { (this.listeners[name] = this.listeners[name] || []).push(fn); }
  }
  const voices = [
    {name: "English", lang: "en-US"}, {name: "Français de France", lang: "fr-FR"},
    {name: "Français de Belgique", lang: "fr-BE"}, {name: "Nederlands", lang: "nl-NL"},
  ];
  const synth = {
    speak(u) { window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.name}); },
    cancel() { window.__cancelled += 1; },
    getVoices() { return voices; },
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance, configurable: true});
})();
"""


@pytest.mark.parametrize(
    ("lang", "speech_lang", "voice"), [("fr", "fr-BE", "Français de Belgique"), ("nl", "nl-BE", "Nederlands")]
)
def test_read_aloud_reads_the_main_content_in_the_page_language(context_factory, lang, speech_lang, voice):
    context = context_factory(locale=f"{lang}-BE")
    context.add_init_script(SPEECH_STUB)
    page = context.new_page()
    page.goto(f"/{lang}/directory/")
    button = page.locator("button.read-aloud")
    expect(button).to_be_visible()
    # The name says what a press does; a toggle's aria-pressed would contradict a changing name.
    expect(button).not_to_have_attribute("aria-pressed", re.compile(".*"))
    expect(button).to_have_accessible_name(tr(lang, "Read aloud"))

    button.click()
    expect(button).to_have_accessible_name(tr(lang, "Stop reading"))
    expect(page.locator(".read-aloud-status")).to_have_text(tr(lang, "Reading the page aloud."))
    spoken = page.evaluate("window.__spoken")
    assert spoken, "nothing was read"
    # The interface in the page's language; an actor's name in the language it is written in
    # (a French name shown on a Dutch page is read by a French voice).
    names = dict(
        page.locator("#directory-results .card-title a").evaluate_all("els => els.map(a => [a.innerText, a.lang])")
    )
    speech = {"fr": ("fr-BE", "Français de Belgique"), "nl": ("nl-BE", "Nederlands")}
    for u in spoken:
        expected = speech[names[u["text"]]] if u["text"] in names else (speech_lang, voice)
        assert (u["lang"], u["voice"]) == expected, u
    assert any(u["lang"] == speech_lang for u in spoken)
    text = " ".join(u["text"] for u in spoken)
    assert tr(lang, "Directory") in text  # the page's heading, in #main
    first_actor = page.locator("#directory-results .card-title a").first.inner_text()
    assert first_actor in text
    for outside in (tr(lang, "Skip to content"), tr(lang, "Read aloud"), tr(lang, "Easy reading"), "Maillage —"):
        assert outside not in text, f"{outside!r} is not part of the main content"
    assert "🏠" not in text and not any(u["text"].strip() in ("📇", "🔍") for u in spoken)

    button.click()
    assert page.evaluate("window.__cancelled") >= 1
    expect(button).to_have_accessible_name(tr(lang, "Read aloud"))
    expect(page.locator(".read-aloud-status")).to_have_text(tr(lang, "Reading stopped."))


def test_read_aloud_is_hidden_without_speech_synthesis(context_factory):
    context = context_factory()
    context.add_init_script(
        "delete Window.prototype.speechSynthesis; delete window.speechSynthesis;delete window.SpeechSynthesisUtterance;"
    )
    page = context.new_page()
    page.goto("/fr/")
    assert not page.evaluate("'speechSynthesis' in window")
    expect(page.locator("button.read-aloud")).to_be_hidden()

    no_js = context_factory(java_script_enabled=False).new_page()
    no_js.goto("/fr/")
    expect(no_js.locator("button.read-aloud")).to_be_hidden()


def test_read_aloud_skips_hidden_and_decorative_text(context_factory):
    context = context_factory(locale="en-GB")
    context.add_init_script(SPEECH_STUB)
    page = context.new_page()
    page.goto("/en/")
    page.evaluate(
        """() => {
        const main = document.getElementById("main");
        main.insertAdjacentHTML("beforeend",
          '<p hidden>HIDDEN-TEXT</p><p aria-hidden="true">DECORATIVE-TEXT</p><nav>NAV-TEXT</nav><p>VISIBLE-TEXT</p>');
    }"""
    )
    page.locator("button.read-aloud").click()
    spoken = page.evaluate("window.__spoken")
    text = json.dumps([u["text"] for u in spoken])
    assert "VISIBLE-TEXT" in text and {u["lang"] for u in spoken} == {"en-GB"}
    for hidden in ("HIDDEN-TEXT", "DECORATIVE-TEXT", "NAV-TEXT"):
        assert hidden not in text


def test_read_aloud_reads_long_texts_in_short_parts_each_in_its_own_language(context_factory):
    """Chrome stops an utterance after about 15 seconds: a long paragraph is read in short parts,
    cut between sentences; a fallback text marked lang="nl" on a French page is read in Dutch;
    a list box reads its chosen option, not all of them; leaving the page stops the voice."""
    context = context_factory(locale="fr-BE")
    context.add_init_script(SPEECH_STUB)
    page = context.new_page()
    page.goto("/fr/")
    page.evaluate(
        """() => {
        const sentence = "Une phrase de test assez longue pour compter, numéro N, qui parle du quartier. ";
        const long = Array.from({length: 12}, (_, i) => sentence.replace("N", i)).join("");
        document.getElementById("main").insertAdjacentHTML("beforeend",
          '<p id="long">' + long + '</p><p lang="nl">NEDERLANDSE-TEKST.</p>' +
          '<label>CHOIX <select><option>OPTION-A</option><option selected>OPTION-B</option></select></label>');
    }"""
    )
    page.locator("button.read-aloud").click()
    spoken = page.evaluate("window.__spoken")
    long_parts = [u for u in spoken if "Une phrase de test" in u["text"]]
    assert len(long_parts) >= 4 and all(len(u["text"]) <= 180 for u in long_parts)
    assert all(u["text"].endswith("quartier.") for u in long_parts), "parts end between sentences"
    assert " ".join(u["text"] for u in long_parts) == page.locator("#long").inner_text().strip()
    assert [(u["lang"], u["voice"]) for u in spoken if "NEDERLANDSE" in u["text"]] == [("nl-BE", "Nederlands")]
    assert {u["lang"] for u in spoken if "NEDERLANDSE" not in u["text"]} == {"fr-BE"}
    text = " ".join(u["text"] for u in spoken)
    assert "OPTION-B" in text and "OPTION-A" not in text

    cancelled = page.evaluate("window.__cancelled")
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))")
    assert page.evaluate("window.__cancelled") == cancelled + 1
    expect(page.locator("button.read-aloud")).to_have_accessible_name(tr("fr", "Read aloud"))
