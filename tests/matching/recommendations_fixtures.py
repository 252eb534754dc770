"""A small, varied world for the recommendation tests: published briefs of the cast's two
organisations and students of the cast's cohort A, drawn from a seeded random generator."""

import datetime
import random
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import User
from matching.models import Cause, Skill
from organisations.models import Brief, BriefSkill
from organisations.workflow import BriefState
from students.models import Enrolment, StudentProfile, StudentSkill
from tests.factories import UserFactory

SKILL_POOL = (
    "django",
    "postgresql",
    "python",
    "mysql",
    "swift",
    "wordpress",
    "html",
    "sql",
    "react",
    "php",
)
PLACES = (("Lille", "59000"), ("Roubaix", "59100"), ("Lyon", "69001"), ("Paris 11e", "75011"))
CATEGORIES = ("website", "database", "mobile_app", "data")


@dataclass
class World:
    briefs: list[Brief]
    students: list[User]


def _skills() -> list[Skill]:
    by_slug = {s.slug: s for s in Skill.objects.filter(slug__in=SKILL_POOL)}
    return [by_slug[slug] for slug in SKILL_POOL]


def add_briefs(cast, count: int, *, seed: int = 1, **fields) -> list[Brief]:
    rng = random.Random(seed)
    skills = _skills()
    today = datetime.date.today()
    now = timezone.now()
    briefs = []
    for n in range(count):
        city, postcode = rng.choice(PLACES)
        start = today + datetime.timedelta(days=rng.randrange(0, 60))
        values = {
            "organisation": cast.org_a if n % 2 else cast.org_b,
            "title": f"Mission {seed}-{n}",
            "need_category": CATEGORIES[n % len(CATEGORIES)],
            "problem": "Un besoin numérique.",
            "state": BriefState.PUBLISHED,
            "published_at": now,
            "effort_hours": rng.choice([40, 80, 150]),
            "start_date": start,
            "end_date": start + datetime.timedelta(days=rng.randrange(30, 120)),
            "work_mode": rng.choice(["remote", "onsite", "hybrid"]),
            "city": city,
            "postcode": postcode,
            "department": postcode[:2],
            "team_min": 1,
            "team_max": 3,
            **fields,
        }
        brief = Brief.objects.create(**values)
        BriefSkill.objects.bulk_create(
            [
                BriefSkill(
                    brief=brief, skill=skill, level=rng.randint(1, 4), weight=rng.randint(1, 3)
                )
                for skill in rng.sample(skills, rng.randint(1, 4))
            ]
        )
        briefs.append(brief)
    return briefs


def add_students(cast, count: int, *, seed: int = 2, visible_share: float = 0.5) -> list[User]:
    rng = random.Random(seed)
    skills = _skills()
    causes = list(Cause.objects.order_by("pk")[:4])
    now = timezone.now()
    users = []
    for _ in range(count):
        user = UserFactory.create(intent=User.Intent.STUDENT)
        city, postcode = rng.choice(PLACES)
        visible = rng.random() < visible_share
        profile = StudentProfile.objects.create(
            user=user,
            hours_per_week=rng.choice([4, 8, 12]),
            city=city,
            postcode=postcode,
            remote_preference=rng.choice(["either", "remote_only", "onsite_only"]),
            visible_to_organisations=visible,
            visibility_consented_at=now if visible else None,
        )
        StudentSkill.objects.bulk_create(
            [
                StudentSkill(profile=profile, skill=skill, level=rng.randint(1, 4))
                for skill in rng.sample(skills, rng.randint(1, 5))
            ]
        )
        profile.causes.set(rng.sample(causes, rng.randint(0, 2)))
        Enrolment.objects.create(cohort=cast.cohort_a, student=user, source="code")
        users.append(user)
    return users


def make_world(cast, *, briefs: int = 8, students: int = 12) -> World:
    cast.org_a.causes.set(Cause.objects.order_by("pk")[:2])
    return World(add_briefs(cast, briefs), add_students(cast, students))


@pytest.fixture
def no_change_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run faster than the safety margin of the change detection (a minute): without
    it, what a test changed a moment before a run would count as changed after it too."""
    from matching.selectors import recommendations as selectors
    from matching.services import recommendations as services

    monkeypatch.setattr(selectors, "CHANGE_MARGIN", datetime.timedelta(0))
    monkeypatch.setattr(services, "CHANGE_MARGIN", datetime.timedelta(0))
