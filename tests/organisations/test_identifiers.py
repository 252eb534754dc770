"""RNA, SIREN, SIRET and postcode rules: pure functions, no database."""

import pytest
from django.core.exceptions import ValidationError

from organisations import identifiers as ids
from organisations.validators import (
    reject_markup,
    validate_postcode,
    validate_rna,
    validate_siren_or_siret,
)

# Real, published numbers: INSEE's own SIREN, La Poste's head office and an establishment.
INSEE_SIREN = "120027016"
LA_POSTE_HEAD_OFFICE = "35600000000048"
LA_POSTE_ESTABLISHMENT = "35600000049837"


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("0", True), ("18", True), ("79927398713", True), ("79927398710", False), ("12a", False)],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert ids.luhn_valid(digits) is valid


def test_siren_and_siret_checks() -> None:
    assert ids.is_valid_siren(INSEE_SIREN)
    assert not ids.is_valid_siren("120027017")  # wrong check digit
    assert not ids.is_valid_siren("12002701")  # 8 digits
    siret = ids.make_siret(INSEE_SIREN, "0001")
    assert len(siret) == 14 and ids.is_valid_siret(siret)
    assert not ids.is_valid_siret(siret[:-1] + str((int(siret[-1]) + 1) % 10))
    assert not ids.is_valid_siret("1200270160001X")


def test_la_poste_sirets_follow_their_own_rule() -> None:
    # Sum of the digits is a multiple of 5, though the Luhn check fails.
    assert not ids.luhn_valid(LA_POSTE_ESTABLISHMENT)
    assert ids.is_valid_siret(LA_POSTE_ESTABLISHMENT)
    assert ids.is_valid_siret(LA_POSTE_HEAD_OFFICE)
    assert not ids.is_valid_siret("35600000049838")


def test_generated_numbers_are_valid() -> None:
    for prefix in ("12345678", "99999999", "00000001"):
        siren = ids.make_siren(prefix)
        assert ids.is_valid_siren(siren)
        assert ids.is_valid_siret(ids.make_siret(siren, "0042"))


def test_rna_and_normalisation() -> None:
    assert ids.is_valid_rna("W751234567")
    assert not ids.is_valid_rna("W75123456")
    assert not ids.is_valid_rna("X751234567")
    assert ids.normalise_identifier(" w 751-234.567 ") == "W751234567"
    assert ids.normalise_identifier("120 027 016 00014") == "12002701600014"


@pytest.mark.parametrize(
    ("postcode", "department"),
    [
        ("59000", "59"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20167", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97110", "971"),
        ("97400", "974"),
        ("98800", "988"),
        ("00100", ""),
        ("5900", ""),
        ("abcde", ""),
    ],
)
def test_department_from_postcode(postcode: str, department: str) -> None:
    assert ids.department_from_postcode(postcode) == department


def test_as_department_and_fold() -> None:
    assert ids.as_department(" 59 ") == "59"
    assert ids.as_department("2a") == "2A"
    assert ids.as_department("974") == "974"
    assert ids.as_department("Lille") == ""
    assert ids.fold("Saint-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert ids.fold("Œuvre  ÇA") == "oeuvre ca"


def _message(validator: object, value: str) -> str:
    with pytest.raises(ValidationError) as raised:
        validator(value)  # type: ignore[operator]
    return " ".join(raised.value.messages)


def test_validators_explain_in_french() -> None:
    assert "14 chiffres" in _message(validate_siren_or_siret, "12002701600015")
    assert "uniquement des chiffres" in _message(validate_siren_or_siret, "12O027016")
    assert "vous avez saisi 11 chiffres" in _message(validate_siren_or_siret, "12002701600")
    assert _message(validate_siren_or_siret, "1").endswith("vous avez saisi 1 chiffre.")
    assert "9 chiffres" in _message(validate_siren_or_siret, "120027017")
    assert "W suivie de 9 chiffres" in _message(validate_rna, "W12")
    assert "code postal" in _message(validate_postcode, "5900")
    validate_siren_or_siret("120 027 016")
    validate_siren_or_siret(LA_POSTE_ESTABLISHMENT)
    validate_rna("w751234567")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Bonjour <b>gras</b>",
        "<img src=x onerror=alert(1)>",
        "</p>",
        "<!-- commentaire -->",
        "&lt;script&gt;",
    ],
)
def test_markup_is_refused(text: str) -> None:
    assert "balises HTML" in _message(reject_markup, text)


@pytest.mark.parametrize("text", ["3 < 5 et 7 > 2", "Accueil & écoute", "Moins de <3 heures"])
def test_plain_text_with_symbols_is_fine(text: str) -> None:
    reject_markup(text)
