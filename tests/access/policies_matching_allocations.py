"""Access to the cohort allocation and favourites pages.

Favourites belong to students (403 for anyone else). The allocation pages of a cohort are
for the staff of its school (404 for everyone else, students and organisations included);
an organisation's ranking is for that organisation's members; a student's choices page is
for the students of that cohort.
"""

from typing import Any

from . import LOGIN, REDIRECT, Policy

_STUDENTS_ONLY_GET = {"*": 403, "anonymous": LOGIN, "student_a": 200, "student_b": 200}
_STUDENTS_ONLY_POST = {"*": 403, "anonymous": LOGIN, "student_a": REDIRECT, "student_b": REDIRECT}


def _brief_a(cast: Any) -> dict[str, Any]:
    return {"pk": cast.brief_a.pk}


POLICIES = {
    "matching:favourites": Policy(_STUDENTS_ONLY_GET),
    "matching:favourite_toggle": Policy(
        _STUDENTS_ONLY_POST, kwargs=_brief_a, method="post", data=lambda cast: {"save": "1"}
    ),
    "matching:favourite_rank": Policy(
        _STUDENTS_ONLY_POST, kwargs=_brief_a, method="post", data=lambda cast: {"rank": "1"}
    ),
    "matching:favourite_move": Policy(
        _STUDENTS_ONLY_POST, kwargs=_brief_a, method="post", data=lambda cast: {"direction": "up"}
    ),
}
