"""The dashboard lists the invitations sent to one's own addresses and accepts them there:
nobody depends on keeping the email's link."""

import datetime
import html

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisations import services as organisation_services
from organisations.models import OrganisationMembership
from students import services as student_services
from students.models import Enrolment, SchoolStaff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite_everywhere(cast, email: str) -> None:
    organisation_services.invitation_create(
        organisation=cast.org_a, email=email, acting_user=cast.owner_a
    )
    student_services.school_staff_invite(
        school=cast.school_a,
        email=email,
        role=SchoolStaff.Role.SUPERVISOR,
        acting_user=cast.staff_a,
    )
    student_services.cohort_invite(cohort=cast.cohort_a, email=email, acting_user=cast.staff_a)


def test_the_dashboard_lists_each_invitation_and_accepts_it(cast, client_for) -> None:
    newcomer = UserFactory.create(email="claire@exemple.fr")
    _invite_everywhere(cast, "Claire@Exemple.fr")
    client = client_for(newcomer)

    body = html.unescape(" ".join(client.get(reverse("dashboard")).content.decode().split()))
    assert "3 invitations vous attendent" in body
    assert f"<strong>{cast.org_a.name}</strong> — membre de l'organisation" in body
    assert f"<strong>{cast.school_a.name}</strong> — équipe de l'établissement" in body
    assert f"<strong>{cast.cohort_a.name} — {cast.school_a.name}</strong>" in body
    assert f"Invitation de {cast.owner_a.display_name}" in body

    invitations = client.get(reverse("dashboard")).context["invitations"]
    urls = {invitation.place: invitation.accept_url for invitation in invitations}
    response = client.post(urls[cast.org_a.name])
    assert response.url == cast.org_a.get_absolute_url()
    assert OrganisationMembership.objects.filter(organisation=cast.org_a, user=newcomer).exists()
    response = client.post(urls[cast.school_a.name])
    assert response.url == reverse("students:school_detail", args=[cast.school_a.pk])
    assert SchoolStaff.objects.filter(school=cast.school_a, user=newcomer).exists()
    client.post(urls[f"{cast.cohort_a.name} — {cast.school_a.name}"])
    assert Enrolment.objects.filter(cohort=cast.cohort_a, student=newcomer).exists()

    assert client.get(reverse("dashboard")).context["invitations"] == []
    # A second click (or an invitation that expired meanwhile): explained, not a 404.
    for url in urls.values():
        response = client.post(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("dashboard")
        assert "alert-error" in response.content.decode()


def test_only_verified_addresses_count(cast, client_for) -> None:
    person = UserFactory.create(email="perso@exemple.fr")
    EmailAddress.objects.create(user=person, email="pro@asso-a.fr", verified=False)
    _invite_everywhere(cast, "pro@asso-a.fr")
    client = client_for(person)
    assert client.get(reverse("dashboard")).context["invitations"] == []

    EmailAddress.objects.filter(user=person).update(verified=True)
    assert len(client.get(reverse("dashboard")).context["invitations"]) == 3


def test_someone_else_cannot_accept_by_number(cast, client_for) -> None:
    """The invitation's number is no secret: the button works only for its addressee."""
    sent = organisation_services.invitation_create(
        organisation=cast.org_a, email="claire@exemple.fr", acting_user=cast.owner_a
    )
    intruder = client_for(cast.owner_b)
    url = reverse("organisations:invitation_join", args=[sent.invitation.pk])
    assert intruder.post(url).status_code == 404
    assert not OrganisationMembership.objects.filter(user=cast.owner_b, organisation=cast.org_a)


def test_invitations_to_places_already_joined_are_not_listed(cast, client_for) -> None:
    """Invited at two addresses, or already in: nothing left to accept."""
    member = UserFactory.create(email="claire@exemple.fr")
    _invite_everywhere(cast, member.email)
    OrganisationMembership.objects.create(organisation=cast.org_a, user=member)
    SchoolStaff.objects.create(school=cast.school_a, user=member, role=SchoolStaff.Role.SUPERVISOR)
    Enrolment.objects.create(cohort=cast.cohort_a, student=member)
    assert client_for(member).get(reverse("dashboard")).context["invitations"] == []


def test_expired_withdrawn_and_archived_invitations_are_not_listed(cast, client_for) -> None:
    newcomer = UserFactory.create(email="claire@exemple.fr")
    _invite_everywhere(cast, newcomer.email)
    cast.org_a.invitations.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    cast.school_a.invitations.update(revoked_at=timezone.now())
    cast.cohort_a.archived_at = timezone.now()
    cast.cohort_a.save(update_fields=["archived_at"])
    assert client_for(newcomer).get(reverse("dashboard")).context["invitations"] == []


def test_a_refusal_is_explained_on_the_dashboard(cast, client_for) -> None:
    """A cohort that filled up between the page and the click: a French message, no 500."""
    newcomer = UserFactory.create(email="claire@exemple.fr")
    student_services.cohort_invite(
        cohort=cast.cohort_a, email=newcomer.email, acting_user=cast.staff_a
    )
    client = client_for(newcomer)
    (invitation,) = client.get(reverse("dashboard")).context["invitations"]
    cast.cohort_a.max_students = cast.cohort_a.enrolments.count()
    cast.cohort_a.save(update_fields=["max_students"])

    response = client.post(invitation.accept_url, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "complète" in response.content.decode()
    assert not Enrolment.objects.filter(cohort=cast.cohort_a, student=newcomer).exists()


def test_the_dashboard_costs_the_same_with_more_invitations(
    cast, client_for, django_assert_num_queries
) -> None:
    newcomer = UserFactory.create(email="claire@exemple.fr")
    client = client_for(newcomer)
    client.get(reverse("dashboard"))
    organisation_services.invitation_create(
        organisation=cast.org_a, email=newcomer.email, acting_user=cast.owner_a
    )
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dashboard"))
    _invite_everywhere(cast, newcomer.email)
    organisation_services.invitation_create(
        organisation=cast.org_b, email=newcomer.email, acting_user=cast.owner_b
    )
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("dashboard"))
