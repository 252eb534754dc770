"""Demo data of the matching app: a cohort ready to be allocated.

ISEN Lille's cohort whose policy is "staff allocate" (students demo) gets 40 students with
profiles (the students demo gives it about 20; the rest are added here, in bulk), nine
published briefs of several organisations opened to it (two with fewer seats than their
team), and each student's ranked favourites among them: three to five, drawn by match score
and by popularity, so a few briefs are over-asked and the allocation has choices to make.
``ecole@demo.humanitech.fr`` can run it at once; nothing is computed in advance.

With ``--scale N`` the other allocated cohorts (copies) get the same briefs and favourites
drawn by popularity alone (no scoring: it stays a few bulk inserts).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from humanitech.demo import DemoContext
from organisations.models import Brief
from organisations.workflow import BriefState
from students.demo import CITIES, FIRST_NAMES, LAST_NAMES, TRACKS
from students.models import (
    ApplicationPolicy,
    Cohort,
    Enrolment,
    RemotePreference,
    StudentProfile,
    StudentSkill,
)

from .models import CohortBrief, SavedBrief, Skill
from .models.applications import MAX_FAVOURITES
from .selectors.allocations import pair_scores

COHORT_SIZE = 40
OPENED_BRIEFS = 9
# Brief index (in the order opened) → seats offered to the cohort, fewer than the team.
REDUCED_SEATS = {1: 2, 4: 3}
BATCH = 2000


def seed(ctx: DemoContext) -> None:
    cohorts = [
        c
        for c in ctx.objects.get("cohorts", [])
        if c.application_policy == ApplicationPolicy.ALLOCATION
    ]
    if not cohorts:
        return
    rng = random.Random(7)
    briefs = _briefs_to_open()
    if not briefs:
        return
    first, copies = cohorts[0], cohorts[1:]
    added = _top_up(first, rng)
    for cohort in cohorts:
        CohortBrief.objects.bulk_create(
            [
                CohortBrief(
                    cohort=cohort,
                    brief=brief,
                    capacity=REDUCED_SEATS.get(i),
                    opened_by=ctx.users.get("ecole"),
                )
                for i, brief in enumerate(briefs)
            ]
        )
    rows = _choices_by_fit(first, briefs, rng)
    for cohort in copies:
        rows += _choices_by_popularity(cohort, briefs, rng)
    SavedBrief.objects.bulk_create(rows, batch_size=BATCH)
    ctx.objects["allocation_cohort"] = first
    ctx.log(
        f"allocation: {first.name} — {Enrolment.objects.filter(cohort=first).count()} students "
        f"({added} added), {len(briefs)} briefs opened, {len(rows)} ranked favourites"
    )


def _briefs_to_open() -> list[Brief]:
    """Published briefs, remote or hybrid first (the cohort is spread over the region),
    at most two per organisation so that several organisations take part."""
    per_organisation: dict[int, int] = {}
    chosen = []
    published = Brief.objects.filter(state=BriefState.PUBLISHED).order_by("pk")[:200]
    for brief in sorted(published, key=lambda b: (b.work_mode == "onsite", b.pk)):
        if per_organisation.get(brief.organisation_id, 0) >= 2:
            continue
        per_organisation[brief.organisation_id] = per_organisation.get(brief.organisation_id, 0) + 1
        chosen.append(brief)
        if len(chosen) == OPENED_BRIEFS:
            break
    return chosen


def _top_up(cohort: Cohort, rng: random.Random) -> int:
    """Enrol new students with filled-in profiles until the cohort has ``COHORT_SIZE``."""
    missing = COHORT_SIZE - Enrolment.objects.filter(cohort=cohort).count()
    if missing <= 0:
        return 0
    password = make_password(DEMO_PASSWORD)
    users = []
    for i in range(missing):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        users.append(
            User(
                email=f"{_ascii(first)}.{_ascii(last)}.alloc{cohort.pk}-{i}@etu.demo.humanitech.fr",
                first_name=first,
                last_name=last,
                intent=User.Intent.STUDENT,
                password=password,
            )
        )
    users = User.objects.bulk_create(users)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            student=u,
            source=Enrolment.Source.IMPORT,
            group=rng.choice(["", "TD1", "TD2"]),
        )
        for u in users
    )
    now = timezone.now()
    profiles = StudentProfile.objects.bulk_create(
        StudentProfile(
            user=u,
            hours_per_week=rng.choice([6, 8, 8, 10, 12]),
            available_from=cohort.starts_on,
            available_until=cohort.ends_on,
            city=(place := rng.choice(CITIES))[0],
            postcode=place[1],
            remote_preference=rng.choice(list(RemotePreference.values)),
            languages=["fr", "en"],
            visible_to_organisations=True,
            visibility_consented_at=now,
        )
        for u in users
    )
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    rows = []
    for profile in profiles:
        track = TRACKS[rng.choice(["data", "web", "data", "nocode"])]
        for slug, level in rng.sample(track, k=rng.randint(3, 7)):
            if slug in skills:
                rows.append(
                    StudentSkill(
                        profile=profile,
                        skill=skills[slug],
                        level=max(1, min(4, level + rng.choice([-1, 0, 0, 1]))),
                    )
                )
    StudentSkill.objects.bulk_create(rows)
    return len(users)


def _choices_by_fit(
    cohort: Cohort, briefs: Sequence[Brief], rng: random.Random
) -> list[SavedBrief]:
    """Each student ranks 3–5 briefs, drawn by match score and a popularity skew; one in
    eight ranks nothing yet (staff see who to remind)."""
    student_ids = _unranked_students(cohort)
    scores = pair_scores(student_ids=student_ids, brief_ids=[b.pk for b in briefs])
    popularity = [1.0 / (1 + i) ** 0.7 for i in range(len(briefs))]
    rows = []
    for sid in student_ids:
        if rng.random() < 0.125:
            continue
        weights = [
            (scores.get((sid, brief.pk), 0.0) + 5) ** 2 * popularity[i]
            for i, brief in enumerate(briefs)
        ]
        rows += _ranked(sid, briefs, weights, rng)
    return rows


def _choices_by_popularity(
    cohort: Cohort, briefs: Sequence[Brief], rng: random.Random
) -> list[SavedBrief]:
    popularity = [1.0 / (1 + i) ** 0.7 for i in range(len(briefs))]
    return [
        row for sid in _unranked_students(cohort) for row in _ranked(sid, briefs, popularity, rng)
    ]


def _unranked_students(cohort: Cohort) -> list[int]:
    """Students of the cohort who have no ranked favourite yet (ranks are unique per student)."""
    ranked = SavedBrief.objects.filter(rank__isnull=False).values("student_id")
    return list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(student_id__in=ranked)
        .order_by("student_id")
        .values_list("student_id", flat=True)
    )


def _ranked(
    student_id: int, briefs: Sequence[Brief], weights: Sequence[float], rng: random.Random
) -> list[SavedBrief]:
    """Draw ``3..MAX_FAVOURITES`` distinct briefs, each with probability ∝ its weight."""
    pool = list(range(len(briefs)))
    w = list(weights)
    picked = []
    for _ in range(min(len(pool), rng.randint(3, MAX_FAVOURITES))):
        i = rng.choices(range(len(pool)), weights=w)[0]
        picked.append(briefs[pool.pop(i)])
        w.pop(i)
    return [
        SavedBrief(student_id=student_id, brief=brief, rank=rank)
        for rank, brief in enumerate(picked, start=1)
    ]


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())
