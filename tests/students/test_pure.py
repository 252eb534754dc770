"""Pure rules of the students app, tested without a database."""

import time
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import ValidationError

from students.completion import ProfileFacts, profile_completion
from students.csv_export import neutralise_cell, to_csv
from students.tokens import (
    JOIN_CODE_ALPHABET,
    ExpiredToken,
    InvalidToken,
    generate_join_code,
    invitation_token,
    normalise_join_code,
    read_invitation_token,
)
from students.validators import (
    departement_of,
    email_in_domain,
    normalise_email_domain,
    validate_github_url,
    validate_postcode,
    validate_web_url,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 12", "'+33 6 12"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Léa", "Léa"),
        ("a=b", "a=b"),
        (8, "8"),
        (None, ""),
    ],
)
def test_formula_cells_are_neutralised(value: object, expected: str) -> None:
    assert neutralise_cell(value) == expected


def test_csv_export_has_a_bom_semicolons_and_neutralised_cells() -> None:
    text = to_csv(["Nom", "Bio"], [["=1+1", "ok; fine"]])
    assert text.startswith("\ufeffNom;Bio\r\n")
    assert '\'=1+1;"ok; fine"' in text


@pytest.mark.parametrize(
    ("postcode", "departement"),
    [
        ("59000", "59"),
        ("75011", "75"),
        ("20000", "2A"),
        ("20137", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97400", "974"),
        ("97110", "971"),
        ("98800", "988"),
        ("", ""),
        ("5900", ""),
    ],
)
def test_departement_of(postcode: str, departement: str) -> None:
    assert departement_of(postcode) == departement


def test_postcode_validation() -> None:
    validate_postcode("59000")
    validate_postcode("")
    for bad in ("5900", "59 000", "ABCDE", "590001"):
        with pytest.raises(ValidationError, match="5 chiffres"):
            validate_postcode(bad)


def test_email_domains() -> None:
    assert normalise_email_domain(" @ISEN.fr ") == "isen.fr"
    assert normalise_email_domain("") == ""
    for bad in ("isen", "isen..fr", "http://isen.fr", "a@b.fr", "-isen.fr"):
        with pytest.raises(ValidationError, match="nom de domaine"):
            normalise_email_domain(bad)
    assert email_in_domain("lea@isen.fr", "isen.fr")
    assert email_in_domain("lea@etu.isen.fr", "isen.fr")
    assert not email_in_domain("lea@notisen.fr", "isen.fr")
    assert not email_in_domain("lea@isen.fr.evil.com", "isen.fr")
    assert email_in_domain("anyone@gmail.com", "")


def test_links_must_be_web_links_and_github_must_be_github() -> None:
    validate_web_url("https://lea.dev")
    validate_github_url("https://github.com/lea")
    with pytest.raises(ValidationError):
        validate_web_url("javascript:alert(1)")
    with pytest.raises(ValidationError, match="GitHub"):
        validate_github_url("https://gitlab.com/lea")
    with pytest.raises(ValidationError, match="GitHub"):
        validate_github_url("https://github.com.evil.net/lea")


def test_completion_weights_and_missing_items() -> None:
    empty = profile_completion(ProfileFacts())
    assert empty.percent == 0 and len(empty.missing) == 7
    assert str(empty.missing[0].label).startswith("Ajoutez au moins trois compétences")
    partial = profile_completion(ProfileFacts(held_skills=1, has_hours=True, has_place=True))
    assert partial.percent == round(35 / 3 + 10 + 15)
    assert [item.section for item in partial.missing][:2] == ["skills", "availability"]
    full = profile_completion(
        ProfileFacts(
            held_skills=5,
            has_hours=True,
            has_dates=True,
            has_place=True,
            causes=2,
            languages=1,
            has_bio=True,
            has_links=True,
        )
    )
    assert full.percent == 100 and full.is_complete


def test_join_codes() -> None:
    codes = {generate_join_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 8 and set(code) <= set(JOIN_CODE_ALPHABET) for code in codes)
    assert normalise_join_code(" k7mp-q2xd ") == "K7MPQ2XD"


def test_invitation_tokens_are_signed_per_kind_and_expire() -> None:
    token = invitation_token("cohort", 42, "nonce")
    assert read_invitation_token("cohort", token) == (42, "nonce")
    with pytest.raises(InvalidToken):
        read_invitation_token("school", token)
    with pytest.raises(InvalidToken):
        read_invitation_token("cohort", token[:-2] + "xx")
    with pytest.raises(InvalidToken):
        read_invitation_token("cohort", signing.dumps(["42", 1], salt="students.cohort-invitation"))
    # Fifteen days later the same link has expired.
    later = time.time() + 15 * 86400
    with mock.patch.object(time, "time", return_value=later), pytest.raises(ExpiredToken):
        read_invitation_token("cohort", token)
