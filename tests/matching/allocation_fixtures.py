"""Builders for the cohort allocation and favourites tests: published briefs, an allocation
cohort of school A with enrolled students who have profiles, and their ranked choices.

Rows are inserted directly (bulk where it matters), not through services: the services are
what the tests exercise.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from accounts.models import User
from matching.models import CohortBrief, SavedBrief, Skill
from organisations.models import Brief, BriefSkill, Organisation
from organisations.workflow import BriefState
from students.models import (
    ApplicationPolicy,
    Cohort,
    Enrolment,
    School,
    StudentProfile,
    StudentSkill,
)
from students.tokens import generate_join_code
from tests.factories import UserFactory

_counter = itertools.count(1)


def published_brief(organisation: Organisation, **fields: Any) -> Brief:
    today = datetime.date.today()
    values: dict[str, Any] = {
        "organisation": organisation,
        "title": f"Mission {next(_counter)}",
        "need_category": "website",
        "problem": "Nos bénévoles perdent du temps avec des tableurs.",
        "expected_outcome": "Un outil simple.",
        "effort_hours": 60,
        "start_date": today + datetime.timedelta(days=7),
        "end_date": today + datetime.timedelta(days=100),
        "team_min": 2,
        "team_max": 4,
        "state": BriefState.PUBLISHED,
        "published_at": timezone.now(),
    }
    values.update(fields)
    return Brief.objects.create(**values)


def allocation_cohort(school: School, *, name: str = "Promotion répartie") -> Cohort:
    today = datetime.date.today()
    return Cohort.objects.create(
        school=school,
        name=name,
        programme="Projets solidaires",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=120),
        expected_hours=60,
        application_policy=ApplicationPolicy.ALLOCATION,
        join_code=generate_join_code(),
    )


def enrol_students(cohort: Cohort, count: int, *, skill_slugs: Sequence[str] = ()) -> list[User]:
    """``count`` new students enrolled in ``cohort``, each with a profile (and skills)."""
    users = [UserFactory.build(email=f"etu{next(_counter)}@ecole.fr") for _ in range(count)]
    users = User.objects.bulk_create(users)
    Enrolment.objects.bulk_create(
        [Enrolment(cohort=cohort, student=u, source=Enrolment.Source.CODE) for u in users]
    )
    profiles = StudentProfile.objects.bulk_create(
        [
            StudentProfile(
                user=u,
                hours_per_week=6 + i % 6,
                available_from=cohort.starts_on,
                available_until=cohort.ends_on,
                city="Lille",
                postcode="59000",
            )
            for i, u in enumerate(users)
        ]
    )
    if skill_slugs:
        skills = list(Skill.objects.filter(slug__in=skill_slugs))
        StudentSkill.objects.bulk_create(
            [
                StudentSkill(profile=p, skill=skills[(i + j) % len(skills)], level=1 + (i + j) % 4)
                for i, p in enumerate(profiles)
                for j in range(2)
            ],
            ignore_conflicts=True,
        )
    return users


def open_briefs(cohort: Cohort, briefs: Sequence[Brief], capacity: int | None = None) -> None:
    CohortBrief.objects.bulk_create(
        [CohortBrief(cohort=cohort, brief=b, capacity=capacity) for b in briefs]
    )


def rank(student: User, briefs: Sequence[Brief]) -> None:
    """Save and rank ``briefs`` (best first) for ``student``, replacing their favourites."""
    SavedBrief.objects.filter(student=student).delete()
    SavedBrief.objects.bulk_create(
        [SavedBrief(student=student, brief=b, rank=i) for i, b in enumerate(briefs, start=1)]
    )


def with_skill(brief: Brief, slug: str, level: int = 2, weight: int = 2) -> Brief:
    BriefSkill.objects.create(
        brief=brief, skill=Skill.objects.get(slug=slug), level=level, weight=weight
    )
    return brief
