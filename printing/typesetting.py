"""Typesetting with typst: a template of ``printing/typst/`` and its data become a PDF.

Every printed document goes through ``render``: the data (plain JSON) is handed to the template as
``sys.inputs.data``, so nothing a user typed is ever read as typst markup. Fonts come from a Python
package (Noto Sans, its sister scripts and the black-and-white Noto Emoji that draws the theme
pictograms), never from the machine, so a PDF looks the same on every server.
"""

import io
import json
from functools import lru_cache
from pathlib import Path

import manimgx_fonts
import segno
import typst

TEMPLATES = Path(__file__).resolve().parent / "typst"
FONT_DIR = Path(manimgx_fonts.__file__).resolve().parent
# Body text sizes in points: normal print, and large print (at least 16 pt, as asked by readers
# with low vision).
BODY_SIZE = 10
LARGE_BODY_SIZE = 16


class TypesettingError(RuntimeError):
    """A template failed to compile (a bug of ours, never of the data: data is never markup)."""


@lru_cache(maxsize=1)
def fonts():
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(FONT_DIR)])


def render(template, data, *, timestamp=None):
    """The PDF (bytes) of ``printing/typst/<template>.typ`` filled with ``data``."""
    compiler = typst.Compiler(root=str(TEMPLATES), font_paths=fonts(), ignore_system_fonts=True)
    try:
        return compiler.compile(
            str(TEMPLATES / f"{template}.typ"),
            format="pdf",
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
            timestamp=timestamp,
        )
    except typst.TypstError as error:
        raise TypesettingError(f"{template}.typ: {error.message}\n{error.diagnostic}") from error


@lru_cache(maxsize=20_000)
def qr_svg(url):
    """A QR code of ``url`` as SVG text, without a quiet zone (the layout leaves the margin).

    The mask is fixed: segno's search for the best of the eight masks costs 4 ms per code, 20 s for
    a directory of 5,000 entries, and any mask reads (the choice only trims a few dark runs).
    """
    buffer = io.BytesIO()
    segno.make_qr(url, error="m", mask=0).save(buffer, kind="svg", border=0, xmldecl=False, nl=False)
    return buffer.getvalue().decode()
