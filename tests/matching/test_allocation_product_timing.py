"""How long a whole run takes in the product (the Celery job: read the cohort, score every
(student, opened brief) pair, solve, store) for a cohort of 600 students and 60 briefs.
Prints the figures with ``-s``; the bounds are generous (a shared CI machine), the figures
in docs/allocation.md come from this test."""

import random
import time

import pytest

from matching.models import AllocationRun, SavedBrief, Skill
from matching.services import allocations as services
from organisations.models import BriefSkill

from .allocation_fixtures import allocation_cohort, enrol_students, open_briefs, published_brief

STUDENTS = 600
BRIEFS = 60


@pytest.mark.django_db
def test_a_run_of_600_students_takes_seconds(cast):
    rng = random.Random(600)
    cohort = allocation_cohort(cast.school_a)
    students = enrol_students(
        cohort, STUDENTS, skill_slugs=["django", "python", "wordpress", "sql", "figma", "react"]
    )
    organisations = [cast.org_a, cast.org_b]
    briefs = [
        published_brief(organisations[i % 2], team_min=2 + i % 2, team_max=4 + i % 3)
        for i in range(BRIEFS)
    ]
    skills = list(Skill.objects.filter(slug__in=["django", "python", "wordpress", "sql", "figma"]))
    BriefSkill.objects.bulk_create(
        [
            BriefSkill(brief=b, skill=skills[(i + k) % len(skills)], level=1 + (i + k) % 3)
            for i, b in enumerate(briefs)
            for k in range(2)
        ]
    )
    open_briefs(cohort, briefs)
    weights = [1 / (1 + i) ** 0.8 for i in range(BRIEFS)]  # some briefs much asked for
    rows = []
    for student in students:
        picked: list = []
        while len(picked) < 5:
            brief = rng.choices(briefs, weights=weights)[0]
            if brief not in picked:
                picked.append(brief)
        rows += [SavedBrief(student=student, brief=b, rank=r) for r, b in enumerate(picked, 1)]
    SavedBrief.objects.bulk_create(rows)

    timings = {}
    for mode, min_teams in (("stable", False), ("welfare", False), ("welfare", True)):
        run = AllocationRun.objects.create(
            cohort=cohort, mode=mode, state="queued", instance={"options": {"min_teams": min_teams}}
        )
        started = time.perf_counter()
        services.allocation_run_compute(run_id=run.pk)
        elapsed = time.perf_counter() - started
        run.refresh_from_db()
        assert run.state == "proposed", run.error
        assert run.result["placed"] > 0
        timings[f"{mode}{'+min' if min_teams else ''}"] = (elapsed, run.result["solve_ms"])
    print()
    for name, (elapsed, solve_ms) in timings.items():
        print(f"{STUDENTS} × {BRIEFS}, {name}: {elapsed * 1000:.0f} ms, solve {solve_ms:.0f} ms")
    assert all(elapsed < 30 for elapsed, _solve in timings.values())
