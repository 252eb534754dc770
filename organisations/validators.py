"""Field validators (no database): identifiers, postcodes, and plain text without markup.

Text is always escaped on display; refusing markup on input as well tells the person at once
that formatting is not supported, instead of showing them their own tags back later.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import identifiers

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|&#?\w+;")


def reject_markup(value: str) -> None:
    if value and _MARKUP.search(value):
        raise ValidationError(
            _("HTML tags and code (such as <script>) are not accepted here: write plain text."),
            code="markup",
        )


def validate_rna(value: str) -> None:
    if value and not identifiers.is_valid_rna(identifiers.normalise_identifier(value)):
        raise ValidationError(
            _("An RNA number is the letter W followed by 9 digits, e.g. W751234567."),
            code="invalid_rna",
        )


def validate_siren(value: str) -> None:
    if value and not identifiers.is_valid_siren(value):
        raise ValidationError(
            _("This SIREN number is not valid: check the 9 digits."), code="invalid_siren"
        )


def validate_siret(value: str) -> None:
    if value and not identifiers.is_valid_siret(value):
        raise ValidationError(
            _("This SIRET number is not valid: check the 14 digits."), code="invalid_siret"
        )


def validate_siren_or_siret(value: str) -> None:
    """One form field takes either number; the error says which rule failed."""
    digits = identifiers.normalise_identifier(value)
    if not digits:
        return
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(_("A SIREN or SIRET number contains digits only."), code="not_digits")
    if len(digits) == 9:
        validate_siren(digits)
    elif len(digits) == 14:
        validate_siret(digits)
    else:
        count = len(digits)
        raise ValidationError(
            ngettext(
                "Enter a SIREN (9 digits) or a SIRET (14 digits); you entered %(count)d digit.",
                "Enter a SIREN (9 digits) or a SIRET (14 digits); you entered %(count)d digits.",
                count,
            ),
            code="bad_length",
            params={"count": count},
        )


def validate_postcode(value: str) -> None:
    if value and not identifiers.is_valid_postcode(value.strip()):
        raise ValidationError(
            _("Enter a French postcode of 5 digits, e.g. 59000."), code="invalid_postcode"
        )


# Only web addresses: no javascript:, data: or ftp: links shown to visitors.
validate_web_url = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address starting with https:// or http://."),
)
