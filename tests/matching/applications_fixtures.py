"""Builders shared by the applications tests: more students, briefs with seats, policies."""

import datetime
import itertools
from typing import Any

from django.utils import timezone

from accounts.models import User
from matching.models import Application, ApplicationState, TeamMember
from organisations.models import Brief
from organisations.workflow import BriefState
from students.models import ApplicationPolicy, Cohort, Enrolment, StudentProfile
from tests.factories import UserFactory

_counter = itertools.count(1)


def set_policy(cohort: Cohort, policy: str, **fields: Any) -> Cohort:
    Cohort.objects.filter(pk=cohort.pk).update(application_policy=policy, **fields)
    cohort.refresh_from_db()
    return cohort


def free(cohort: Cohort, **fields: Any) -> Cohort:
    return set_policy(cohort, ApplicationPolicy.FREE, **fields)


def new_student(cohort: Cohort, **fields: Any) -> User:
    n = next(_counter)
    student: User = UserFactory.create(
        email=f"etudiant{n}@ecole.fr", intent=User.Intent.STUDENT, **fields
    )
    Enrolment.objects.create(cohort=cohort, student=student, source=Enrolment.Source.CODE)
    StudentProfile.objects.create(user=student, hours_per_week=6, city="Lille", postcode="59000")
    return student


def new_brief(cast: Any, *, organisation: Any = None, **fields: Any) -> Brief:
    today = datetime.date.today()
    defaults: dict[str, Any] = {
        "title": f"Projet {next(_counter)}",
        "need_category": "website",
        "problem": "Nos bénévoles ne trouvent pas les informations.",
        "state": BriefState.PUBLISHED,
        "published_at": timezone.now(),
        "team_min": 2,
        "team_max": 3,
        "effort_hours": 60,
        "start_date": today + datetime.timedelta(days=10),
        "end_date": today + datetime.timedelta(days=90),
    }
    defaults.update(fields)
    return Brief.objects.create(organisation=organisation or cast.org_a, **defaults)


def make_application(
    student: User,
    brief: Brief,
    *,
    state: str = ApplicationState.SUBMITTED,
    motivation: str = "Ce projet me tient à cœur.",
) -> Application:
    """An application created directly (no service, no notification), for setting scenes."""
    enrolment = Enrolment.objects.filter(student=student).order_by("pk").first()
    assert enrolment is not None
    now = timezone.now()
    application = Application.objects.create(
        student=student,
        brief=brief,
        enrolment=enrolment,
        motivation=motivation,
        state=state,
        submitted_at=None if state == ApplicationState.AWAITING_APPROVAL else now,
        decided_at=now if state in (ApplicationState.ACCEPTED, ApplicationState.DECLINED) else None,
    )
    if state == ApplicationState.ACCEPTED:
        seat = TeamMember.objects.filter(brief=brief).count() + 1
        TeamMember.objects.create(
            brief=brief,
            student=student,
            seat=seat,
            source=TeamMember.Source.APPLICATION,
            application=application,
        )
    return application
