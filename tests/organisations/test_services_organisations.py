"""Organisations, verification, members and invitations, through the services."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from notifications.models import Notification
from organisations import services
from organisations.identifiers import make_siret
from organisations.models import MembershipRole, OrganisationInvitation, OrganisationMembership
from tests.factories import UserFactory

from .helpers import make_organisation

pytestmark = pytest.mark.django_db


def test_creating_an_organisation_makes_the_creator_its_owner(cast) -> None:
    user = UserFactory.create()
    organisation = make_organisation(user, siren="", siret=make_siret("120027016", "0001"))
    assert organisation.verification_state == "pending"
    assert organisation.siren == "120027016"
    membership = OrganisationMembership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (user, MembershipRole.OWNER)
    event = AuditEvent.objects.get(action="organisation.create")
    assert (event.actor, event.to_state) == (user, "pending")


def test_invalid_identifiers_are_refused_and_nothing_is_saved(cast) -> None:
    with pytest.raises(ValidationError):
        make_organisation(UserFactory.create(), rna="W12", siret="12345678901234")
    assert not OrganisationMembership.objects.exclude(organisation__in=[cast.org_a, cast.org_b])


def test_moderators_verify_and_members_are_told(cast) -> None:
    organisation = make_organisation(cast.owner_b)
    with pytest.raises(PermissionDenied):
        services.organisation_verify(organisation=organisation, acting_user=cast.owner_b)
    services.organisation_verify(organisation=organisation, acting_user=cast.moderator)
    organisation.refresh_from_db()
    assert organisation.verification_state == "verified" and organisation.verified_at
    notification = Notification.objects.get(kind="organisation_verified")
    assert notification.recipient == cast.owner_b
    assert notification.context == {"organisation_name": organisation.name}
    event = AuditEvent.objects.get(action="organisation.verify")
    assert (event.actor, event.from_state, event.to_state) == (
        cast.moderator,
        "pending",
        "verified",
    )
    with pytest.raises(ValidationError):
        services.organisation_verify(organisation=organisation, acting_user=cast.moderator)


def test_a_rejection_needs_a_reason_and_editing_asks_again(cast) -> None:
    organisation = make_organisation(cast.owner_b)
    with pytest.raises(ValidationError):
        services.organisation_reject(
            organisation=organisation, acting_user=cast.moderator, reason=" "
        )
    services.organisation_reject(
        organisation=organisation, acting_user=cast.moderator, reason="RNA introuvable."
    )
    organisation.refresh_from_db()
    assert (organisation.verification_state, organisation.verification_reason) == (
        "rejected",
        "RNA introuvable.",
    )
    assert Notification.objects.get(kind="organisation_rejected").context["reason"] == (
        "RNA introuvable."
    )
    services.organisation_update(
        organisation=organisation, acting_user=cast.owner_b, rna="W595009999"
    )
    organisation.refresh_from_db()
    assert organisation.verification_state == "pending"
    assert AuditEvent.objects.filter(action="organisation.resubmit").exists()


def test_changing_the_identity_of_a_verified_organisation_asks_for_verification(cast) -> None:
    services.organisation_update(
        organisation=cast.org_a, acting_user=cast.owner_a, description="Nouveau texte."
    )
    cast.org_a.refresh_from_db()
    assert cast.org_a.verification_state == "verified"
    services.organisation_update(organisation=cast.org_a, acting_user=cast.owner_a, name="Autre")
    cast.org_a.refresh_from_db()
    assert cast.org_a.verification_state == "pending"


def test_only_owners_edit_the_organisation(cast) -> None:
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            organisation=cast.org_a, acting_user=cast.member_a, description="Piratage"
        )
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            organisation=cast.org_a, acting_user=cast.owner_b, description="Piratage"
        )


def test_an_invitation_is_emailed_and_accepted_once(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.invitation_create(
            organisation=cast.org_a, email="Claire@Exemple.fr", acting_user=cast.owner_a
        )
    invitation = sent.invitation
    assert invitation.email == "claire@exemple.fr"
    assert invitation.token_hash != sent.token and sent.token not in invitation.token_hash
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    notification = Notification.objects.get(kind="organisation_invitation")
    assert notification.email == "claire@exemple.fr" and notification.recipient is None
    assert notification.link == f"/organisations/invitations/{sent.token}/"
    assert notification.context["inviter_name"] == cast.owner_a.display_name
    assert sent.token in mail.outbox[0].body

    claire = UserFactory.create(email="claire@exemple.fr")
    membership = services.invitation_accept(token=sent.token, acting_user=claire)
    assert (membership.organisation, membership.role) == (cast.org_a, MembershipRole.MEMBER)
    with pytest.raises(ValidationError):
        services.invitation_accept(token=sent.token, acting_user=claire)


def test_an_invitation_is_for_its_address_only(cast) -> None:
    sent = services.invitation_create(
        organisation=cast.org_a, email="claire@exemple.fr", acting_user=cast.owner_a
    )
    with pytest.raises(ValidationError) as raised:
        services.invitation_accept(token=sent.token, acting_user=cast.student_a)
    assert raised.value.code == "other_address"
    assert not cast.org_a.memberships.filter(user=cast.student_a).exists()


def test_expired_revoked_and_replaced_invitations_no_longer_work(cast) -> None:
    claire = UserFactory.create(email="claire@exemple.fr")
    first = services.invitation_create(
        organisation=cast.org_a, email=claire.email, acting_user=cast.owner_a
    )
    second = services.invitation_create(
        organisation=cast.org_a, email=claire.email, acting_user=cast.owner_a
    )
    with pytest.raises(ValidationError):
        services.invitation_accept(token=first.token, acting_user=claire)
    OrganisationInvitation.objects.filter(pk=second.invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError):
        services.invitation_accept(token=second.token, acting_user=claire)
    third = services.invitation_create(
        organisation=cast.org_a, email=claire.email, acting_user=cast.owner_a
    )
    services.invitation_revoke(invitation=third.invitation, acting_user=cast.owner_a)
    with pytest.raises(ValidationError):
        services.invitation_accept(token=third.token, acting_user=claire)
    with pytest.raises(ValidationError):
        services.invitation_accept(token="not-a-token", acting_user=claire)


def test_members_cannot_invite_and_members_are_not_invited_twice(cast) -> None:
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organisation=cast.org_a, email="x@exemple.fr", acting_user=cast.member_a
        )
    with pytest.raises(ValidationError):
        services.invitation_create(
            organisation=cast.org_a, email=cast.member_a.email.upper(), acting_user=cast.owner_a
        )


def test_the_last_owner_cannot_leave_nor_be_demoted(cast) -> None:
    own = OrganisationMembership.objects.get(organisation=cast.org_a, user=cast.owner_a)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=own, acting_user=cast.owner_a)
    with pytest.raises(ValidationError):
        services.membership_set_role(
            membership=own, role=MembershipRole.MEMBER, acting_user=cast.owner_a
        )
    assert OrganisationMembership.objects.filter(pk=own.pk, role="owner").exists()


def test_ownership_transfer_and_leaving(cast) -> None:
    member = OrganisationMembership.objects.get(organisation=cast.org_a, user=cast.member_a)
    services.ownership_transfer(
        organisation=cast.org_a, to_membership=member, acting_user=cast.owner_a
    )
    roles = dict(cast.org_a.memberships.values_list("user__email", "role"))
    assert roles == {cast.owner_a.email: "member", cast.member_a.email: "owner"}
    own = OrganisationMembership.objects.get(organisation=cast.org_a, user=cast.owner_a)
    services.membership_remove(membership=own, acting_user=cast.owner_a)
    assert not cast.org_a.memberships.filter(user=cast.owner_a).exists()
    assert AuditEvent.objects.filter(action="organisation.leave").exists()


def test_members_cannot_remove_or_promote_others(cast) -> None:
    owner = OrganisationMembership.objects.get(organisation=cast.org_a, user=cast.owner_a)
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=owner, acting_user=cast.member_a)
    member = OrganisationMembership.objects.get(organisation=cast.org_a, user=cast.member_a)
    with pytest.raises(PermissionDenied):
        services.membership_set_role(
            membership=member, role=MembershipRole.OWNER, acting_user=cast.member_a
        )
    services.membership_remove(membership=member, acting_user=cast.owner_a)
    assert AuditEvent.objects.filter(action="organisation.remove_member").exists()
