import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from opendata import hsds

SCHEMA_DIR = settings.SHARED_DIR / "ref" / "hsds-3.0" / "schema"
REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


@pytest.fixture(autouse=True)
def _fresh_hsds_maps():
    hsds.reset()
    yield
    hsds.reset()


class Schemas:
    """The HSDS 3.0 schemas of ../shared, with their relative $refs resolved from the folder."""

    def __init__(self, folder):
        self.folder = folder

        def retrieve(uri):
            path = folder / uri.removeprefix(REMOTE) if uri.startswith(REMOTE) else Path(urlparse(uri).path)
            return Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012)

        self.registry = Registry(retrieve=retrieve)
        self.openapi = json.loads((folder / "openapi.json").read_text())

    def validator(self, name):
        """``name``: e.g. "compiled/organization.json" or "taxonomy_term.json"."""
        schema = json.loads((self.folder / name).read_text())
        schema.setdefault("$id", f"{self.folder.as_uri()}/{name}")
        return Draft202012Validator(schema, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def validate(self, name, instance):
        errors = sorted(self.validator(name).iter_errors(instance), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])

    def validate_page(self, instance):
        page = self.openapi.get("components", {}).get("schemas", {}).get("Page")
        if page:
            errors = list(Draft202012Validator(page).iter_errors(instance))
            assert not errors, [e.message for e in errors]
        for key in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"):
            assert key in instance, key
        assert isinstance(instance["contents"], list)


@pytest.fixture
def schemas():
    if not (SCHEMA_DIR / "openapi.json").exists() or not (SCHEMA_DIR / "compiled").is_dir():
        pytest.skip(f"HSDS schemas not found in {SCHEMA_DIR}")
    return Schemas(SCHEMA_DIR)
