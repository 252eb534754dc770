"""Parse a roster of students from a CSV file, as schools export them (pure: no database).

Accepts what spreadsheets actually produce in France: UTF-8 with or without a BOM,
Windows-1252 (Excel's "CSV (séparateur : point-virgule)"), UTF-16 with a BOM (Excel's
"Texte Unicode"), ``;``, ``,`` or tab separators, and column names in French or English.
Every problem is reported at once, in the current language, with its line number, so a
staff member can fix the file in one go.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

MAX_BYTES = 1_000_000
MAX_ROWS = 2_000
NAME_MAX_LENGTH = 150
GROUP_MAX_LENGTH = 50
EMAIL_MAX_LENGTH = 254

# Normalised header (lower case, no accents, words separated by one space) → field.
HEADER_ALIASES = {
    "email": {
        "email",
        "e mail",
        "mail",
        "courriel",
        "adresse email",
        "adresse e mail",
        "adresse mail",
        "adresse courriel",
        "adresse electronique",
        "email address",
        "e mail address",
    },
    "first_name": {"first name", "firstname", "given name", "prenom"},
    "last_name": {"last name", "lastname", "family name", "surname", "nom", "nom de famille"},
    "group": {"group", "groupe", "class", "classe", "groupe td", "td"},
}
REQUIRED = ("email", "first_name", "last_name")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_validate_email = EmailValidator()


@dataclass(frozen=True)
class RosterRow:
    line: int
    email: str
    first_name: str
    last_name: str
    group: str = ""


@dataclass(frozen=True)
class RosterProblem:
    message: str
    line: int | None = None  # None: the whole file


@dataclass(frozen=True)
class ParsedRoster:
    rows: tuple[RosterRow, ...]
    problems: tuple[RosterProblem, ...]
    encoding: str = ""
    delimiter: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _file_problem(message: str) -> ParsedRoster:
    return ParsedRoster(rows=(), problems=(RosterProblem(message),))


def column_names() -> dict[str, str]:
    """The column names a file must use, as told to the person importing it."""
    return {
        "email": _("email"),
        "first_name": _("first name"),
        "last_name": _("last name"),
        "group": _("group"),
    }


def parse_roster(data: bytes) -> ParsedRoster:
    if len(data) > MAX_BYTES:
        return _file_problem(
            _(
                "The file is larger than %(size)s. Split it into several files of at most "
                "%(rows)s students."
            )
            % {"size": _("1 MB"), "rows": f"{MAX_ROWS:,}".replace(",", "\u202f")}
        )
    decoded = _decode(data)
    if decoded is None or _CONTROL.search(decoded[0]):
        return _file_problem(_not_a_csv())
    text, encoding = decoded
    if not text.strip():
        return _file_problem(_("The file is empty."))
    delimiter = _guess_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _parse_records(reader, encoding, delimiter)
    except csv.Error:
        return _file_problem(
            _("Line %(line)s cannot be read: check the quotes in the file.")
            % {"line": reader.line_num}
        )


def _not_a_csv() -> str:
    return _(
        "This file is not a CSV text file. From your spreadsheet, use “Save as” and choose "
        "the CSV format."
    )


def _decode(data: bytes) -> tuple[str, str] | None:
    """The text and its encoding, or None for what is not text (NUL bytes: a binary file)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Texte Unicode (*.txt)": UTF-16 with its BOM, tab-separated.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
        return None if "\x00" in text else (text, "utf-16")
    if b"\x00" in data:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def _guess_delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def normalise_header(cell: str) -> str:
    text = unicodedata.normalize("NFKD", cell).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    return text.strip()


def _map_header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    problems: list[str] = []
    names = column_names()
    for index, cell in enumerate(cells):
        header = normalise_header(cell)
        field = next((f for f, aliases in HEADER_ALIASES.items() if header in aliases), None)
        if field is None:
            continue
        if field in columns:
            problems.append(
                _("The column “%(column)s” appears twice in the first line.")
                % {"column": names[field]}
            )
        columns[field] = index
    for field in REQUIRED:
        if field not in columns:
            problems.append(
                _(
                    "Missing column: “%(column)s”. The first line must name the columns "
                    "%(email)s, %(first_name)s, %(last_name)s and, if you wish, %(group)s."
                )
                % {"column": names[field], **names}
            )
    return columns, problems


def _parse_records(reader: Any, encoding: str, delimiter: str) -> ParsedRoster:
    header: list[str] | None = None
    for record in reader:
        if any(cell.strip() for cell in record):
            header = record
            break
    if header is None:
        return _file_problem(_("The file is empty."))
    columns, header_problems = _map_header(header)
    if header_problems:
        return ParsedRoster(
            rows=(), problems=tuple(RosterProblem(message) for message in header_problems)
        )

    rows: list[RosterRow] = []
    problems: list[RosterProblem] = []
    first_line_of: dict[str, int] = {}
    count = 0
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        count += 1
        if count > MAX_ROWS:
            return _file_problem(
                _("The file has more than %(rows)s students. Split it into several files.")
                % {"rows": f"{MAX_ROWS:,}".replace(",", "\u202f")}
            )
        line = reader.line_num
        values = {
            field: (record[index].strip() if index < len(record) else "")
            for field, index in columns.items()
        }
        row_problems = _check_row(values, line, first_line_of)
        if row_problems:
            problems.extend(RosterProblem(message, line) for message in row_problems)
            continue
        rows.append(
            RosterRow(
                line=line,
                email=values["email"].lower(),
                first_name=values["first_name"],
                last_name=values["last_name"],
                group=values.get("group", ""),
            )
        )
    if not rows and not problems:
        return _file_problem(_("The file has column names but no student."))
    return ParsedRoster(
        rows=tuple(rows), problems=tuple(problems), encoding=encoding, delimiter=delimiter
    )


def _check_row(values: dict[str, str], line: int, first_line_of: dict[str, int]) -> list[str]:
    problems = []
    email = values["email"]
    if not email:
        problems.append(_("The email address is empty."))
    elif len(email) > EMAIL_MAX_LENGTH or not _is_email(email):
        problems.append(_("“%(value)s” is not a valid email address.") % {"value": email[:80]})
    elif email.lower() in first_line_of:
        problems.append(
            _("The address %(email)s is already on line %(first)s.")
            % {"email": email, "first": first_line_of[email.lower()]}
        )
    else:
        first_line_of[email.lower()] = line
    for field, empty_message in (
        ("first_name", _("The first name is empty.")),
        ("last_name", _("The last name is empty.")),
    ):
        if not values[field]:
            problems.append(empty_message)
        elif len(values[field]) > NAME_MAX_LENGTH:
            problems.append(
                _("“%(value)s…” is too long (at most %(max)s characters).")
                % {"value": values[field][:30], "max": NAME_MAX_LENGTH}
            )
    if len(values.get("group", "")) > GROUP_MAX_LENGTH:
        problems.append(
            _("The group “%(value)s…” is too long (at most %(max)s characters).")
            % {"value": values["group"][:30], "max": GROUP_MAX_LENGTH}
        )
    return problems


def _is_email(value: str) -> bool:
    try:
        _validate_email(value)
    except ValidationError:
        return False
    return True
