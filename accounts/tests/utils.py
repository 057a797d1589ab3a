import re
from html.parser import HTMLParser


def links_in(message):
    return re.findall(r"https?://[^\s]+", message.body)


def path_of(url):
    """The path of a link in an email (our links use SITE_URL, allauth's the request's host)."""
    return re.sub(r"^https?://[^/]+", "", url)


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.style_attributes = 0
        self.style_elements = 0
        self.inputs = []
        self.labels = set()
        self.event_handlers = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes += 1
        if any(name.startswith("on") for name in attrs):
            self.event_handlers += 1
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/ld+json":
            self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
            self.inputs.append(attrs)
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])


def audit(html):
    """Problems of a page under the strict CSP and for screen readers: a list of strings."""
    parser = _Audit()
    parser.feed(html)
    problems = []
    if parser.inline_scripts:
        problems.append(f"{parser.inline_scripts} inline scripts")
    if parser.style_attributes or parser.style_elements:
        problems.append("inline styles")
    if parser.event_handlers:
        problems.append("inline event handlers")
    for attrs in parser.inputs:
        if attrs.get("id") not in parser.labels and not attrs.get("aria-label"):
            problems.append(f"unlabelled field {attrs.get('name')}")
    return problems
