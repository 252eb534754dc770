"""Twenty organisation members accept twenty different applications to a three-seat brief
at the same instant, fifty times over: exactly three get in, the others are told the team is
full, nobody sees an error. Only PostgreSQL has the row locks this relies on.

Run: DATABASE_URL=postgres://root@127.0.0.1:5432/test \
    .venv/bin/pytest tests/matching/test_applications_concurrency.py (about 30 s)
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from matching.models import Application, ApplicationState, TeamMember
from matching.services import applications as services
from notifications.models import Notification
from organisations.models import Brief, MembershipRole, OrganisationMembership
from students.models import Cohort, Enrolment
from tests.factories import UserFactory

from .applications_fixtures import free, new_brief

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20
SEATS = 3
ROUNDS = 50


@pytest.fixture(autouse=True)
def _no_email_delivery(monkeypatch) -> None:
    # The notification rows are still written in each transaction; sending the emails
    # (eagerly, in the test process) is the notifications app's concern and tested there.
    monkeypatch.setattr("notifications.services.enqueue_delivery", lambda *a, **kw: True)


@pytest.fixture
def scene(cast):
    """Twenty students of a free cohort that allows many accepted projects, and twenty
    members of organisation A (two owners among them) to accept at once."""
    cohort = free(cast.cohort_a)
    Cohort.objects.filter(pk=cohort.pk).update(max_accepted_applications=ROUNDS)
    students = User.objects.bulk_create(
        User(email=f"concurrent{i}@ecole-a.fr", first_name="Élève", last_name=f"N{i}")
        for i in range(THREADS)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, student=student, source="code") for student in students
    )
    members = [cast.owner_a, cast.member_a] + [UserFactory.create() for _ in range(THREADS - 2)]
    OrganisationMembership.objects.bulk_create(
        OrganisationMembership(
            organisation=cast.org_a,
            user=member,
            role=MembershipRole.OWNER if i % 2 == 0 else MembershipRole.MEMBER,
        )
        for i, member in enumerate(members[2:])
    )
    return cast, enrolments, members


def _applications(cast, enrolments) -> tuple[Brief, list[Application]]:
    brief = new_brief(cast, team_min=1, team_max=SEATS)
    applications = Application.objects.bulk_create(
        Application(
            student_id=enrolment.student_id,
            brief=brief,
            enrolment=enrolment,
            motivation="Je veux aider.",
            state=ApplicationState.SUBMITTED,
            submitted_at=brief.published_at,
        )
        for enrolment in enrolments
    )
    return brief, applications


def _in_threads(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))

    def run(call) -> str:
        try:
            barrier.wait()
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_twenty_simultaneous_acceptances_fill_three_seats_fifty_times(scene) -> None:
    cast, enrolments, members = scene
    for _ in range(ROUNDS):
        brief, applications = _applications(cast, enrolments)

        def accept(application=None, member=None):
            def call() -> str:
                try:
                    services.application_accept(application=application, acting_user=member)
                except ValidationError as error:
                    return error.code or "invalid"
                return "accepted"

            return call

        outcomes = _in_threads([accept(a, m) for a, m in zip(applications, members, strict=True)])
        assert outcomes.count("accepted") == SEATS
        assert outcomes.count("full") == THREADS - SEATS
        seats = sorted(TeamMember.objects.filter(brief=brief).values_list("seat", flat=True))
        assert seats == [1, 2, 3]
        states = list(Application.objects.filter(brief=brief).values_list("state", flat=True))
        assert states.count(ApplicationState.ACCEPTED) == SEATS
        assert states.count(ApplicationState.DECLINED) == THREADS - SEATS
        # One message per student: three welcomes, seventeen kind refusals.
        kinds = Notification.objects.filter(about_id__in=[str(a.pk) for a in applications])
        assert kinds.filter(kind="application_accepted").count() == SEATS
        assert kinds.filter(kind="application_declined").count() == THREADS - SEATS


def test_simultaneous_acceptances_through_the_pages_show_no_error(scene) -> None:
    cast, enrolments, members = scene
    brief, applications = _applications(cast, enrolments)
    clients = []
    for member in members:
        client = Client()
        client.force_login(member)
        clients.append(client)

    def post(client, application):
        def call() -> str:
            url = reverse("matching:application_accept", kwargs={"pk": application.pk})
            return str(client.post(url).status_code)

        return call

    statuses = _in_threads([post(c, a) for c, a in zip(clients, applications, strict=True)])
    assert statuses == ["302"] * THREADS
    assert TeamMember.objects.filter(brief=brief).count() == SEATS
