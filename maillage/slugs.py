"""Readable, unique slugs for new objects (archived ones keep theirs)."""

from django.utils.text import slugify
from unidecode import unidecode


def unique_slug(model, text, *, max_length=None):
    max_length = max_length or model._meta.get_field("slug").max_length
    base = slugify(unidecode(text or ""))[: max_length - 6].strip("-") or model._meta.model_name
    manager = getattr(model, "all_objects", model._default_manager)
    taken = set(manager.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
