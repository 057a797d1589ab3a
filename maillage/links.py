"""Fast links to objects by slug: ``reverse`` once per view, language and script prefix.

Lists render hundreds of links; reversing each one through the i18n URL patterns costs more
than rendering the rest of the row.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

PLACEHOLDER = "SLUG-PLACEHOLDER"


@lru_cache(maxsize=256)
def _pattern(viewname, language, script_prefix):
    return reverse(viewname, args=[PLACEHOLDER])


def slug_url(viewname, slug):
    return _pattern(viewname, get_language(), get_script_prefix()).replace(PLACEHOLDER, slug)
