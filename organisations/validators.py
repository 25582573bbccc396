"""Validators for Norwegian identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def normalise_org_number(value: str) -> str:
    """Strip the spaces people type ('974 760 673' -> '974760673')."""
    return "".join((value or "").split())


def org_number_check_digit(first_eight: str) -> int | None:
    """The mod-11 check digit for the first eight digits, or None when no valid digit exists."""
    total = sum(int(d) * w for d, w in zip(first_eight, ORG_NUMBER_WEIGHTS, strict=True))
    remainder = total % 11
    if remainder == 0:
        return 0
    digit = 11 - remainder
    return None if digit == 10 else digit


def validate_org_number(value: str) -> None:
    """An organisation number (organisasjonsnummer): 9 digits, the last a mod-11 check digit."""
    number = normalise_org_number(value)
    if len(number) != 9 or not (number.isascii() and number.isdigit()):
        raise ValidationError(
            _("An organisation number has exactly 9 digits."), code="org_number_length"
        )
    if org_number_check_digit(number[:8]) != int(number[8]):
        raise ValidationError(
            _("%(number)s is not a valid organisation number (the check digit is wrong)."),
            code="org_number_check_digit",
            params={"number": number},
        )
