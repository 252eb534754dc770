"""Demo data of the matching app: applications in every state, teams, a project under way.

- ``etudiant@demo.humanitech.fr`` (Léa, ISEN, cohort "staff approve") is in the team of
  organisation A's published brief (accepted, approved by her school) and waits for her
  school's approval on another organisation's brief;
- organisation A's published brief has reached its minimum team (Léa and classmates): its
  members can press "Démarrer le projet"; two applications wait for an answer (one for
  nine days), one is shortlisted, one was declined with a kind note, one withdrawn;
- organisation A's brief in progress, and every other brief in progress, delivered or
  closed, has its team;
- ``etudiant2@…`` (Yanis, Simplon, free cohort) has an application sent and one declined;
- the other published briefs receive zero to four applications in every state from the
  students of the two cohorts that apply (ISEN's first, Simplon's), a few of them sent more
  than a week ago (the "unanswered" reminder has something to say).

Published briefs never end up full, so the catalogue and the allocation keep them. Rows go
in with ``bulk_create`` (no audit rows, no notifications: this is history, not events);
``--scale N`` multiplies everything and stays a few inserts.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import DateTimeField, ExpressionWrapper, F
from django.db.models.functions import Coalesce
from django.utils import timezone

from humanitech.demo import DemoContext
from organisations.models import Brief
from organisations.workflow import BriefState
from students.models import ApplicationPolicy, Enrolment

from .models import Application, ApplicationState, TeamMember

S = ApplicationState
BATCH = 2000

MOTIVATIONS = [
    "Je suis bénévole dans une association de quartier depuis deux ans et je sais combien "
    "un outil simple peut faire gagner du temps aux équipes. J'ai déjà réalisé un site avec "
    "Django pendant mon stage et j'aimerais le mettre au service de votre projet.",
    "Votre mission me parle : ma mère travaille dans une épicerie solidaire. Je connais bien "
    "les bases de données et je voudrais apprendre à travailler avec de vrais utilisateurs.",
    "J'ai suivi un module d'accessibilité numérique et je voudrais l'appliquer à un projet "
    "utile. Je suis disponible le mercredi après-midi pour rencontrer vos bénévoles.",
    "Je cherche un projet concret pour mon année : votre besoin correspond à ce que j'aime "
    "faire (interfaces claires, données propres). Je travaille volontiers en équipe.",
    "Ancien animateur en centre social, je me reconvertis dans le développement web. Votre "
    "projet me permettrait de relier mes deux métiers.",
    "J'ai construit des tableaux de bord pour l'association sportive de mon école. Je serais "
    "heureuse de faire de même pour vos adhérents et vos financeurs.",
]
DECLINE_NOTES = [
    "Merci pour votre candidature très soignée. Nous avons choisi des profils plus proches "
    "de l'outil que nous utilisons déjà ; n'hésitez pas à postuler à nos prochaines missions.",
    "Merci beaucoup ! L'équipe est constituée pour cette fois, mais votre motivation nous a "
    "touchés.",
]
SHORTLIST_NOTE = (
    "Votre profil nous intéresse : pouvons-nous en parler 20 minutes la semaine prochaine ?"
)
ACCEPT_NOTE = "Bienvenue dans l'équipe ! Nous vous proposons une première réunion au local."
# State of a generated application to a published brief, and how often it comes up.
STATE_WEIGHTS = [
    (S.SUBMITTED, 5),
    (S.AWAITING_APPROVAL, 3),
    (S.SHORTLISTED, 2),
    (S.ACCEPTED, 2),
    (S.DECLINED, 2),
    (S.WITHDRAWN, 1),
]
STARTED = (BriefState.IN_PROGRESS, BriefState.DELIVERED, BriefState.CLOSED)


class _Plan:
    """The rows to insert, with the rules of the real services kept by construction."""

    def __init__(self, ctx: DemoContext, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.now()
        self.staff_by_school = {
            ctx.objects["school_a"].pk: ctx.users.get("ecole"),
            ctx.objects["school_b"].pk: ctx.users.get("ecole2"),
        }
        self.rows: list[Application] = []
        self.pairs: set[tuple[int, int]] = set()
        # One accepted project per student (the cohorts' default cap); students waiting on
        # organisation A's answer stay free, so A can accept them.
        self.placed: set[int] = set()
        self.reserved: set[int] = set()
        self.accepted_by_brief: dict[int, int] = defaultdict(int)

    def add(
        self,
        enrolment: Enrolment,
        brief: Brief,
        state: str,
        *,
        note: str = "",
        days_ago: int | None = None,
    ) -> bool:
        student_id = enrolment.student_id
        approval = enrolment.cohort.application_policy == ApplicationPolicy.APPROVAL
        if (student_id, brief.pk) in self.pairs:
            return False
        if state == S.AWAITING_APPROVAL and not approval:
            state = S.SUBMITTED
        if state == S.ACCEPTED and (
            student_id in self.placed | self.reserved
            or self.accepted_by_brief[brief.pk] >= brief.team_max
        ):
            return False
        days_ago = self.rng.randrange(1, 20) if days_ago is None else days_ago
        created = self.now - datetime.timedelta(days=days_ago, hours=self.rng.randrange(24))
        seen = state != S.AWAITING_APPROVAL and not (state == S.WITHDRAWN and approval)
        approved = approval and seen
        self.rows.append(
            Application(
                student_id=student_id,
                brief=brief,
                enrolment=enrolment,
                motivation=self.rng.choice(MOTIVATIONS),
                state=state,
                organisation_note=note,
                approved_by=self.staff_by_school.get(enrolment.cohort.school_id)
                if approved
                else None,
                approved_at=created + datetime.timedelta(days=1) if approved else None,
                submitted_at=(created + datetime.timedelta(days=1 if approval else 0))
                if seen
                else None,
                decided_at=created + datetime.timedelta(days=2)
                if state in (S.ACCEPTED, S.DECLINED)
                else None,
                withdrawn_at=created + datetime.timedelta(days=1) if state == S.WITHDRAWN else None,
            )
        )
        self.pairs.add((student_id, brief.pk))
        if state == S.ACCEPTED:
            self.placed.add(student_id)
            self.accepted_by_brief[brief.pk] += 1
        return True

    def team(self, candidates: Iterator[Enrolment], brief: Brief, size: int, tries: int) -> None:
        """Accept the next candidates who are not placed yet until the team has ``size``."""
        for enrolment in itertools.islice(candidates, tries):
            if self.accepted_by_brief[brief.pk] >= size:
                return
            self.add(enrolment, brief, S.ACCEPTED, note=ACCEPT_NOTE, days_ago=30)

    def save(self) -> tuple[int, int]:
        applications = Application.objects.bulk_create(self.rows, batch_size=BATCH)
        # bulk_create stamps every row "now": date them from their own history instead (one
        # statement; the demo runs on a fresh database).
        Application.objects.update(
            created_at=Coalesce(
                _day_before("approved_at"),
                F("submitted_at"),
                _day_before("withdrawn_at"),
                F("created_at"),
            ),
            updated_at=Coalesce(
                F("decided_at"), F("withdrawn_at"), F("submitted_at"), F("created_at")
            ),
        )
        seats: dict[int, int] = defaultdict(int)
        members = []
        for application in applications:
            if application.state != S.ACCEPTED:
                continue
            seats[application.brief_id] += 1
            members.append(
                TeamMember(
                    brief_id=application.brief_id,
                    student_id=application.student_id,
                    seat=seats[application.brief_id],
                    source=TeamMember.Source.APPLICATION,
                    application=application,
                )
            )
        TeamMember.objects.bulk_create(members, batch_size=BATCH)
        return len(applications), len(members)


def seed(ctx: DemoContext) -> None:
    briefs: list[Brief] = ctx.objects.get("briefs", [])
    if not briefs or "cohorts" not in ctx.objects:
        return
    rng = random.Random(55)
    plan = _Plan(ctx, rng)
    enrolments = _applying_enrolments(ctx)
    by_user = {e.student_id: e for e in enrolments}
    lea, yanis = ctx.users.get("etudiant"), ctx.users.get("etudiant2")
    featured = {getattr(lea, "pk", 0), getattr(yanis, "pk", 0)}
    pool = [e for e in enrolments if e.student_id not in featured]
    if not pool:
        return
    rng.shuffle(pool)
    classmates = [e for e in pool if lea and e.cohort_id == by_user[lea.pk].cohort_id]
    # Students are drawn in turn, so teams never wait on a long scan of placed ones.
    turns = itertools.cycle(pool)

    published = [b for b in briefs if b.state == BriefState.PUBLISHED]
    org_a = ctx.objects["organisation_a"]
    a_published = next(b for b in published if b.organisation_id == org_a.pk)
    elsewhere = [b for b in published if b.organisation_id != org_a.pk]

    # Organisation A's published brief: a team at its minimum, Léa in it; and applications
    # to answer, to decide, and one declined.
    if lea:
        plan.add(by_user[lea.pk], a_published, S.ACCEPTED, note=ACCEPT_NOTE, days_ago=12)
        plan.add(by_user[lea.pk], elsewhere[0], S.AWAITING_APPROVAL, days_ago=2)
    plan.team(iter(classmates), a_published, a_published.team_min, len(classmates))
    others = iter(pool[len(pool) // 2 :] + pool[: len(pool) // 2])
    for state, note, days in (
        (S.SUBMITTED, "", 9),
        (S.SUBMITTED, "", 1),
        (S.SHORTLISTED, SHORTLIST_NOTE, 5),
        (S.DECLINED, DECLINE_NOTES[0], 6),
        (S.WITHDRAWN, "", 7),
    ):
        candidate = next(others)
        while candidate.student_id in plan.placed or not plan.add(
            candidate, a_published, state, note=note, days_ago=days
        ):
            candidate = next(others)
        plan.reserved.add(candidate.student_id)
    if yanis and yanis.pk in by_user:
        plan.add(by_user[yanis.pk], elsewhere[1], S.SUBMITTED, days_ago=3)
        plan.add(by_user[yanis.pk], elsewhere[2], S.DECLINED, note=DECLINE_NOTES[1], days_ago=8)

    # Teams of the projects under way or finished.
    for brief in briefs:
        if brief.state in STARTED:
            plan.team(turns, brief, brief.team_min, tries=len(pool))

    # Everyone else: zero to four applications per published brief, in every state, never
    # filling a team.
    states = [state for state, weight in STATE_WEIGHTS for _ in range(weight)]
    for brief in elsewhere:
        for _ in range(rng.randrange(0, 5)):
            state = rng.choice(states)
            if state == S.ACCEPTED and plan.accepted_by_brief[brief.pk] >= brief.team_max - 1:
                state = S.SUBMITTED
            note = rng.choice(DECLINE_NOTES) if state == S.DECLINED else ""
            plan.add(rng.choice(pool), brief, state, note=note)

    applications, members = plan.save()
    ctx.log(f"applications: {applications:,} applications, {members:,} team seats")


def _day_before(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) - datetime.timedelta(days=1), output_field=DateTimeField())


def _applying_enrolments(ctx: DemoContext) -> list[Enrolment]:
    """Enrolments in the active cohorts whose students apply (not allocated ones)."""
    cohort_ids = [
        c.pk
        for c in ctx.objects["cohorts"]
        if c.application_policy != ApplicationPolicy.ALLOCATION and c.archived_at is None
    ]
    enrolments: Any = (
        Enrolment.objects.filter(cohort_id__in=cohort_ids)
        .select_related("cohort")
        .only("pk", "student_id", "cohort_id", "cohort__application_policy", "cohort__school_id")
        .order_by("pk")
    )
    return list(enrolments)
