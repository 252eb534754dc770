"""French legal identifiers and postcodes: pure functions, no database, no Django.

- RNA (Répertoire national des associations): ``W`` followed by 9 digits.
- SIREN (9 digits) and SIRET (SIREN + 4-digit establishment number, 14 digits) carry a Luhn
  check digit. La Poste is the documented exception: its SIRETs (SIREN 356 000 000) are
  numbered by establishment and only satisfy "the sum of the digits is a multiple of 5".
"""

import re
import unicodedata

RNA_PATTERN = re.compile(r"W\d{9}")
POSTCODE_PATTERN = re.compile(r"\d{5}")
LA_POSTE_SIREN = "356000000"
_SEPARATORS = re.compile(r"[\s.\-_/]+")


def normalise_identifier(value: str) -> str:
    """What people type ("W 751 234 567", "123.456.789 00012") without separators, upper case."""
    return _SEPARATORS.sub("", value or "").upper()


def luhn_valid(digits: str) -> bool:
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that makes ``partial + digit`` pass the Luhn check (to generate numbers)."""
    for candidate in "0123456789":
        if luhn_valid(partial + candidate):
            return candidate
    raise ValueError(partial)  # pragma: no cover - one of ten digits always fits


def is_valid_rna(value: str) -> bool:
    return RNA_PATTERN.fullmatch(value) is not None


def is_valid_siren(value: str) -> bool:
    return len(value) == 9 and luhn_valid(value)


def is_valid_siret(value: str) -> bool:
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN):
        return luhn_valid(value) or sum(int(char) for char in value) % 5 == 0
    return luhn_valid(value)


def make_siren(prefix8: str) -> str:
    return prefix8 + luhn_check_digit(prefix8)


def make_siret(siren: str, establishment4: str) -> str:
    partial = siren + establishment4
    return partial + luhn_check_digit(partial)


def is_valid_postcode(value: str) -> bool:
    """A metropolitan or overseas French postcode (01000–98999; 00xxx does not exist)."""
    return POSTCODE_PATTERN.fullmatch(value) is not None and not value.startswith("00")


def department_from_postcode(postcode: str) -> str:
    """The département code of a postcode: "59000" → "59", Corsica → "2A"/"2B",
    overseas (97x, 98x) → three characters. Empty for an invalid postcode."""
    if not is_valid_postcode(postcode):
        return ""
    if postcode.startswith(("97", "98")):
        return postcode[:3]
    if postcode.startswith("20"):
        # 200xx–201xx are Corse-du-Sud (Ajaccio), 202xx–206xx Haute-Corse (Bastia).
        return "2A" if postcode < "20200" else "2B"
    return postcode[:2]


DEPARTMENT_PATTERN = re.compile(r"(?:\d{2}|2[AB]|9[78]\d)")


def as_department(value: str) -> str:
    """``value`` as a département code if it looks like one ("59", "2a", "974"), else ""."""
    code = value.strip().upper()
    return code if DEPARTMENT_PATTERN.fullmatch(code) else ""


def strip_accents(text: str) -> str:
    """Lower case without accents, punctuation kept: "Épicerie -vélos" → "epicerie -velos"."""
    lowered = (text or "").lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lower case without accents, punctuation turned into spaces: "Saint-Étienne" →
    "saint etienne". Used for place names and the SQLite search fallback."""
    return " ".join(re.sub(r"[\W_]+", " ", strip_accents(text)).split())
