"""Access to the cohort allocation and favourites pages.

Favourites belong to students: saving and ranking is refused to anyone else (403); the page
itself answers every signed-in person, and tells someone who is not a student yet how to
become one (a normal journey never meets a 403). The allocation pages of a cohort are
for the staff of its school (404 for everyone else, students and organisations included);
an organisation's ranking is for that organisation's members; a student's choices page is
for the students of that cohort.
"""

from typing import Any

from . import LOGIN, REDIRECT, Policy

_ANY_USER_GET = {"*": 200, "anonymous": LOGIN}
_STUDENTS_ONLY_POST = {"*": 403, "anonymous": LOGIN, "student_a": REDIRECT, "student_b": REDIRECT}


def _brief_a(cast: Any) -> dict[str, Any]:
    return {"pk": cast.brief_a.pk}


POLICIES = {
    "matching:favourites": Policy(_ANY_USER_GET),
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


# --- The cohort allocation ------------------------------------------------------------------
# Each call builds a fresh allocated cohort of school A (student_a enrolled, brief_a of
# organisation A opened to it), so what one role does never changes what the next sees.

_404 = {"*": 404, "anonymous": LOGIN}


def _cohort(cast: Any) -> Any:
    from matching.models import CohortBrief, SavedBrief
    from students.models import Enrolment
    from tests.matching.allocation_fixtures import allocation_cohort

    cohort = allocation_cohort(cast.school_a)
    Enrolment.objects.create(cohort=cohort, student=cast.student_a, source="code")
    CohortBrief.objects.create(cohort=cohort, brief=cast.brief_a)
    SavedBrief.objects.update_or_create(
        student=cast.student_a, brief=cast.brief_a, defaults={"rank": 1}
    )
    return cohort


def _proposed_run(cast: Any) -> Any:
    from matching.allocation import allocate, parse_instance
    from matching.models import AllocationRun
    from matching.selectors.allocations import allocation_input

    cohort = _cohort(cast)
    data = allocation_input(cohort=cohort, min_teams=False)
    result = allocate(parse_instance(data), "stable").as_dict()
    return AllocationRun.objects.create(
        cohort=cohort,
        mode="stable",
        state="proposed",
        instance=data,
        result=result,
        assignment=result["assignment"],
    )


def _cohort_kwargs(cast: Any) -> dict[str, Any]:
    return {"pk": _cohort(cast).pk}


def _run_kwargs(cast: Any) -> dict[str, Any]:
    run = _proposed_run(cast)
    return {"pk": run.cohort_id, "run_pk": run.pk}


def _opening_kwargs(cast: Any) -> dict[str, Any]:
    from matching.models import CohortBrief

    cohort = _cohort(cast)
    return {"pk": cohort.pk, "opening_pk": CohortBrief.objects.get(cohort=cohort).pk}


def _ranking_kwargs(cast: Any) -> dict[str, Any]:
    return {"pk": _cohort(cast).pk, "organisation_pk": cast.org_a.pk}


def _staff_get(kwargs: Any, **extra: Any) -> Policy:
    return Policy({**_404, "staff_a": 200}, kwargs=kwargs, **extra)


def _staff_post(kwargs: Any, **extra: Any) -> Policy:
    return Policy({**_404, "staff_a": REDIRECT}, kwargs=kwargs, method="post", **extra)


POLICIES.update(
    {
        "matching:cohort_allocation": _staff_get(_cohort_kwargs),
        "matching:cohort_brief_open": _staff_post(
            _cohort_kwargs, data=lambda cast: {"brief": cast.brief_b.pk, "capacity": "2"}
        ),
        "matching:cohort_brief_close": _staff_post(_opening_kwargs),
        "matching:allocation_run_start": _staff_post(
            _cohort_kwargs, data=lambda cast: {"mode": "stable"}
        ),
        "matching:allocation_run": _staff_get(_run_kwargs),
        "matching:allocation_move": _staff_get(
            _run_kwargs, data=lambda cast: {"student": cast.student_a.pk}
        ),
        "matching:allocation_reset": _staff_post(_run_kwargs),
        "matching:allocation_publish": _staff_post(_run_kwargs),
        # The students of the cohort only; never the school's staff (they have their page).
        "matching:student_allocation": Policy({**_404, "student_a": 200}, kwargs=_cohort_kwargs),
        # Members of an organisation whose brief is opened to the cohort. The page also
        # takes a POST (the organisation's capacity for the cohort), checked for every role
        # by test_only_the_organisation_members_may_post_its_capacity (tests/matching).
        "matching:organisation_ranking": Policy(
            {**_404, "owner_a": 200, "member_a": 200}, kwargs=_ranking_kwargs
        ),
        "matching:organisation_ranking_move": Policy(
            {**_404, "owner_a": REDIRECT, "member_a": REDIRECT},
            kwargs=_ranking_kwargs,
            method="post",
            data=lambda cast: {"student": cast.student_a.pk, "direction": "down"},
        ),
    }
)
