"""Reading printed documents back in tests: their text, their pages as pictures, their QR codes.

Tests assert on what a reader sees: ``text`` extracts the words (pypdf), ``pages`` renders every
page to PNG with poppler's pdftoppm, ``check_pages`` fails on a page left empty or with ink in the
outer band where nothing may be printed (something overflowed its box or the page), and
``qr_codes`` decodes the QR codes of a page back to their text (zxing-cpp).
"""

import os
import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

CM_PER_INCH = 2.54
# Nothing may be printed this close to the paper's edge (the layouts keep margins of 1.6 cm).
EDGE_CM = 0.5
# A page whose body (above the footer) has less ink than this share of its pixels is empty.
EMPTY_INK = 0.002


def reader(pdf):
    return PdfReader(BytesIO(pdf))


def text(pdf):
    """The text of every page, in order, joined with form feeds."""
    return "\f".join(page.extract_text() or "" for page in reader(pdf).pages)


def page_texts(pdf):
    return [page.extract_text() or "" for page in reader(pdf).pages]


def _pdftoppm():
    """poppler's pdftoppm; a test needing it is skipped where it is missing, unless CI requires it."""
    path = shutil.which("pdftoppm")
    if path is None:
        message = "pdftoppm not found: install poppler-utils (apt-get install poppler-utils)"
        if os.environ.get("REQUIRE_PDFTOPPM"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def pages(pdf, dpi=40, first=None, last=None, gray=True, out_dir=None):
    """The pages as Pillow images (rendered by pdftoppm at ``dpi``); also written to ``out_dir``."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        command = [_pdftoppm(), "-r", str(dpi), "-png"]
        if gray:
            command.append("-gray")
        if first:
            command += ["-f", str(first)]
        if last:
            command += ["-l", str(last)]
        subprocess.run([*command, str(source), str(Path(tmp) / "page")], check=True, capture_output=True)
        files = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        images = []
        for file in files:
            if out_dir is not None:
                Path(out_dir).mkdir(parents=True, exist_ok=True)
                shutil.copy(file, Path(out_dir) / file.name)
            with Image.open(file) as image:
                images.append(image.convert("L"))
        return images


def _ink(image, box):
    """Share of dark pixels inside ``box`` (left, top, right, bottom)."""
    region = image.crop(box)
    histogram = region.histogram()
    dark = sum(histogram[:200])
    return dark / max(1, region.width * region.height)


def check_pages(pdf, dpi=40, footer_cm=2.0):
    """Fail when a page is empty (no ink above the footer) or has ink within EDGE_CM of an edge."""
    problems = []
    for number, image in enumerate(pages(pdf, dpi=dpi), start=1):
        edge = round(EDGE_CM / CM_PER_INCH * dpi)
        footer = round(footer_cm / CM_PER_INCH * dpi)
        width, height = image.size
        if _ink(image, (0, 0, width, height - footer)) < EMPTY_INK:
            problems.append(f"page {number} is empty")
        bands = {
            "top": (0, 0, width, edge),
            "bottom": (0, height - edge, width, height),
            "left": (0, 0, edge, height),
            "right": (width - edge, 0, width, height),
        }
        for side, box in bands.items():
            if _ink(image, box) > 0:
                problems.append(f"page {number} overflows at the {side} edge")
    if problems:
        pytest.fail("badly laid out pages:\n" + "\n".join(problems), pytrace=False)


def qr_codes(pdf, page=1, dpi=200):
    """The texts of the QR codes printed on ``page``."""
    import zxingcpp

    image = pages(pdf, dpi=dpi, first=page, last=page)[0]
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode]
