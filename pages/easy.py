"""Easy reading: larger text, pictograms beside words and short sentences, chosen by the visitor.

The choice is a cookie (no account needed); pages read it through the context processor
``pages.context_processors.easy_reading`` (``EASY_READING``).
"""

COOKIE = "easy"
MAX_AGE = 365 * 24 * 3600


def is_on(request):
    return request is not None and request.COOKIES.get(COOKIE) == "1"
