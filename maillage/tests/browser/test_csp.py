"""The strict Content-Security-Policy: no page of the site trips it."""

import re

import pytest
from playwright.sync_api import expect

from .support import click_a_marker, wait_for_maps

pytestmark = pytest.mark.browser

# Runs in every document before its own scripts (injected by the browser, so not subject to CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""
CSP_WORDS = re.compile(r"content[ -]security[ -]policy|securitypolicyviolation|\bCSP\b", re.IGNORECASE)


def test_no_content_security_policy_violation(context_factory):
    context = context_factory()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    messages, errors = [], []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(str(error)))

    problems = []
    pages = ["/fr/", "/fr/map/", "/fr/agenda/forum-journee-annuelle-2024/", "/fr/contribute/new/actor/"]
    pages += ["/fr/account/login/", "/fr/account/signup/", "/fr/charter/", "/fr/freshness/"]
    for url in pages:
        response = page.goto(url)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, f"{url}: {policy!r}"
        wait_for_maps(page)
        if url == "/fr/map/":  # clusters and a popup: markup made by the scripts
            click_a_marker(page)
            expect(page.locator("#map .leaflet-popup-content a")).to_be_visible()
        page.wait_for_load_state("networkidle")
        problems += [f"{url}: {v}" for v in page.evaluate("() => window.__cspViolations")]
        problems += [f"{url}: console {m}" for m in messages if CSP_WORDS.search(m)]
        problems += [f"{url}: script error {e}" for e in errors]
        messages.clear()
        errors.clear()
    assert not problems, "\n".join(problems)

    # The check itself works: an inline style, which the policy forbids, is reported both ways.
    page.evaluate("() => document.head.appendChild(document.createElement('style')).textContent = 'p {}'")
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert any(CSP_WORDS.search(m) for m in messages), messages
