"""The project's French catalogues, read as data by the tests of our words and typography."""

from collections.abc import Sequence
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
# The catalogues held to one vocabulary ("e-mail", "établissement") and to French spacing
# (a non-breaking space before ? ! : ; and inside « »).
CATALOGUES = (
    "locale",
    "accounts/locale",
    "organisations/locale",
    "students/locale",
    "notifications/locale",
    "matching/locale",
)


def french_strings(catalogues: Sequence[str] = CATALOGUES) -> list[str]:
    """Every French msgstr (plural forms included) of the given catalogues."""
    strings = []
    for catalogue in catalogues:
        for entry in polib.pofile(str(ROOT / catalogue / "fr/LC_MESSAGES/django.po")):
            strings += list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    return strings
