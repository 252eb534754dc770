"""CSV export safe to open in a spreadsheet (pure: no database).

A cell a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, or a leading tab or
carriage return) is prefixed with an apostrophe: a student cannot smuggle
``=HYPERLINK(...)`` into their school's spreadsheet through their name or bio (OWASP "CSV
injection").
"""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Semicolon-separated with a UTF-8 BOM: what French Excel opens without asking."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return buffer.getvalue()
