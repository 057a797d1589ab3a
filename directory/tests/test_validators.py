import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from directory.validators import format_company_number, normalise_company_number, validate_company_number


@pytest.mark.parametrize("written", ["0203.071.973", "203071973", "BE0203071973", "BE 0203 071 973", "be0203.071.973"])
def test_company_numbers_in_any_format_are_normalised(written):
    assert normalise_company_number(written) == "0203071973"


@pytest.mark.parametrize("written", ["0203.071.974", "12345", "", "abc", "2203071973", None])
def test_invalid_company_numbers_are_refused(written):
    assert normalise_company_number(written) is None


def test_validator_names_the_bad_value():
    with pytest.raises(ValidationError) as error:
        validate_company_number("0203.071.974")
    assert "0203.071.974" in str(error.value)


@given(st.integers(min_value=0, max_value=19_999_999))
def test_every_number_with_a_right_check_is_accepted_in_every_format(base):
    digits = f"{base:08d}"
    number = digits + f"{97 - base % 97:02d}"
    assert normalise_company_number(number) == number
    assert normalise_company_number(format_company_number(number)) == number
    assert normalise_company_number("BE" + number) == number


@given(st.text(max_size=30))
def test_normalising_never_crashes(text):
    result = normalise_company_number(text)
    assert result is None or (len(result) == 10 and result.isdigit())
