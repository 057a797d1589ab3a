"""Typesetting with typst: a template of ``printing/typst/`` and its data become a PDF.

Every printed document goes through ``render``: the data (plain JSON) is handed to the template as
``sys.inputs.data``, so nothing a user typed is ever read as typst markup. Fonts come from a Python
package (Noto Sans, its sister scripts and the black-and-white Noto Emoji that draws the theme
pictograms), never from the machine, so a PDF looks the same on every server.

``render_apart`` typesets in a fresh child process that exits afterwards: typst keeps what it laid
out (its memoised layouts) for the next compilations of the process, so a large document typeset
in parts one after the other in the same process would hold as much memory as in one piece. The
child is ``python -m printing.typesetting <template>`` (data on stdin, PDF on stdout) and needs no
Django. Not a fork: typst's thread pool does not survive one.
"""

import io
import json
import subprocess
import sys
import tempfile
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


# Seconds a child process may take to typeset one part (a part of 1,000 entries takes about one).
APART_TIMEOUT = 600


class TypesettingError(RuntimeError):
    """A template failed to compile (a bug of ours, never of the data: data is never markup)."""


@lru_cache(maxsize=1)
def fonts():
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(FONT_DIR)])


def _as_json(data):
    return json.dumps(data, ensure_ascii=False, default=str)


def _compile(template, data_json, timestamp=None, tags=True):
    compiler = typst.Compiler(root=str(TEMPLATES), font_paths=fonts(), ignore_system_fonts=True)
    try:
        return compiler.compile(
            str(TEMPLATES / f"{template}.typ"),
            format="pdf",
            sys_inputs={"data": data_json},
            timestamp=timestamp,
            pdf_tags=tags,
        )
    except typst.TypstError as error:
        raise TypesettingError(f"{template}.typ: {error.message}\n{error.diagnostic}") from error


def render(template, data, *, timestamp=None, tags=True):
    """The PDF (bytes) of ``printing/typst/<template>.typ`` filled with ``data``.

    ``tags``: a tagged PDF (its structure for screen readers). A document typeset in parts and
    joined with pypdf loses the parts' structure trees: it need not have typst make them.
    """
    return _compile(template, _as_json(data), timestamp, tags)


def render_apart(template, data, *, timestamp=None, tags=True):
    """Like ``render``, in a child process that exits afterwards: its memory goes back to the system.

    Errors come back as ``TypesettingError`` with typst's message. Safe to call from several
    threads at once (each call waits on its own child). The data and the PDF go through temporary
    files, not pipes: a thread feeding a pipe needs the GIL for every few kilobytes and would crawl
    while the calling process works meanwhile.
    """
    if Path(template).name != template or not (TEMPLATES / f"{template}.typ").is_file():
        raise TypesettingError(f"{template}.typ: no such template")
    command = [sys.executable, "-m", "printing.typesetting", template, "tags" if tags else "no-tags"]
    if timestamp is not None:
        command.append(str(int(timestamp)))
    with tempfile.TemporaryFile() as source, tempfile.TemporaryFile() as pdf, tempfile.TemporaryFile() as errors:
        source.write(_as_json(data).encode())
        source.seek(0)
        try:
            child = subprocess.run(  # noqa: S603 (our own interpreter and module, no shell)
                command,
                stdin=source,
                stdout=pdf,
                stderr=errors,
                cwd=TEMPLATES.parent.parent,
                check=False,
                timeout=APART_TIMEOUT,
            )
        except subprocess.TimeoutExpired as error:  # the child is killed
            raise TypesettingError(f"{template}.typ: not typeset within {APART_TIMEOUT} s") from error
        if child.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise TypesettingError(message or f"{template}.typ: the typesetting process ended with {child.returncode}")
        pdf.seek(0)
        return pdf.read()


@lru_cache(maxsize=20_000)
def qr_svg(url):
    """A QR code of ``url`` as SVG text, without a quiet zone (the layout leaves the margin).

    The mask is fixed: segno's search for the best of the eight masks costs 4 ms per code, 20 s for
    a directory of 5,000 entries, and any mask reads (the choice only trims a few dark runs).
    """
    buffer = io.BytesIO()
    segno.make_qr(url, error="m", mask=0).save(buffer, kind="svg", border=0, xmldecl=False, nl=False)
    return buffer.getvalue().decode()


def main(argv):
    """``python -m printing.typesetting <template> tags|no-tags [timestamp]``: JSON data on stdin,
    the PDF on stdout."""
    template, tags = argv[0], argv[1] == "tags"
    timestamp = int(argv[2]) if len(argv) > 2 else None
    data_json = sys.stdin.buffer.read().decode()
    try:
        pdf = _compile(template, data_json, timestamp, tags)
    except TypesettingError as error:
        sys.stderr.write(str(error))
        return 1
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
