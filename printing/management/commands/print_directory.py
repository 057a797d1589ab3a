"""python manage.py print_directory [--commune COMMUNE ...] [--theme THEME ...] [--kind KIND ...]
[--group commune|theme|alpha] [--lang fr|nl|fr+nl] [--large-print] --output FILE.pdf

A commune is given by its slug, French or Dutch name or postcode (Schaerbeek, Schaarbeek, 1030),
a theme by its slug or name, in any case, with or without accents.

Typesets the printed directory of the chosen scope (the whole region by default), with a progress
bar on stderr. The file is written whole or not at all (a temporary file renamed into place). The
last line says how many entries and pages were printed.
"""

import os
import tempfile
from io import BytesIO
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from pypdf import PdfReader
from tqdm import tqdm

from directory.models import Actor
from printing import booklet
from printing.languages import DOCUMENT_LANGS
from printing.query import GROUPINGS, DirectoryQuery, QueryError


def _page_count(pdf):
    return len(PdfReader(BytesIO(pdf)).pages)


class Command(BaseCommand):
    help = "Typeset the printed directory (PDF) of a set of communes, themes and kinds of actor."

    def add_arguments(self, parser):
        parser.add_argument("--commune", action="append", default=[], help="slug, name or postcode; repeat for several")
        parser.add_argument("--theme", action="append", default=[], help="slug or name; repeat for several")
        parser.add_argument("--kind", action="append", default=[], choices=Actor.Kind.values)
        parser.add_argument("--group", choices=list(GROUPINGS), default="commune")
        parser.add_argument("--lang", choices=list(DOCUMENT_LANGS), default="fr")
        parser.add_argument("--large-print", action="store_true")
        parser.add_argument("--output", required=True, help="the PDF file to write")

    def handle(self, *args, commune, theme, kind, group, lang, large_print, output, **options):
        options = {"commune": commune, "theme": theme, "kind": kind, "group": group, "lang": lang}
        try:
            query = DirectoryQuery.from_params({**options, "large": "1" if large_print else ""}, strict=True)
        except QueryError as error:
            raise CommandError(str(error)) from error
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"No such folder: {target.parent}")
        params = query.to_params()
        total = booklet.count_entries(params)
        with tqdm(total=total, unit="entries", desc="Gathering", file=self.stderr._out, leave=False) as bar:

            def progress(done, _total):
                bar.update(done - bar.n)
                if done >= _total:
                    bar.set_description("Typesetting")

            with translation.override(lang[:2]):
                pdf = booklet.directory_pdf(params, progress=progress)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(pdf)
            os.chmod(temporary, 0o644)  # mkstemp makes it private; a printed directory is public
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        pages = _page_count(pdf)
        self.stdout.write(f"{target}: {total} entries, {pages} pages, {len(pdf) / 1e6:.1f} MB")
