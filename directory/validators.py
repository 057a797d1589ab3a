"""Validators shared by forms, the API and imports."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NON_DIGITS = re.compile(r"\D")


def normalise_company_number(value):
    """Any written form of a Belgian enterprise number -> 10 digits, or None if not one.

    Accepts "0203.071.973", "203071973", "BE0203071973", "BE 0203 071 973".
    """
    if value is None:
        return None
    text = str(value).strip().upper()
    if text.startswith("BE"):
        text = text[2:]
    digits = _NON_DIGITS.sub("", text)
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10 or digits[0] not in "01":
        return None
    check = 97 - int(digits[:8]) % 97
    return digits if check == int(digits[8:]) else None


def validate_company_number(value):
    if value and normalise_company_number(value) is None:
        raise ValidationError(
            _("%(value)s is not a valid Belgian company number (10 digits with a mod-97 check)."),
            params={"value": value},
            code="invalid_company_number",
        )


def format_company_number(digits):
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if digits else ""
