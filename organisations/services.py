"""Writes of the organisations app: organisations, members, invitations, briefs.

Every function is keyword-only, checks who may act (``PermissionDenied``) and whether the
object's state allows it (``ValidationError`` with a message for the person), runs in one
transaction, and writes an audit row for each state change. Notifications go through
``notifications.services.notify`` inside the same transaction.
"""

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User
from accounts.selectors import verified_addresses
from matching.models import Cause, NeedCategorySkill, Skill
from matching.taxonomy import NeedCategory

from . import search
from .identifiers import department_from_postcode, fold, normalise_identifier
from .models import (
    Brief,
    BriefSkill,
    MembershipRole,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
)
from .selectors import MODERATE_PERMISSION, brief_missing_parts, organisation_actors
from .workflow import (
    BRIEF_TRANSITIONS,
    ORGANISATION_TRANSITIONS,
    Actor,
    BriefState,
    Transition,
    TransitionError,
    VerificationState,
    may,
    transition_for,
)

INVITATION_VALIDITY = timedelta(days=7)
VERIFY_PERMISSION = "organisations.verify_organisation"
# Changing one of these on a verified organisation asks the moderators to verify it again.
IDENTITY_FIELDS = ("name", "legal_form", "rna", "siren", "siret")
ORGANISATION_FIELDS = (
    "name",
    "legal_form",
    "rna",
    "siren",
    "siret",
    "city",
    "postcode",
    "website",
    "description",
)
BRIEF_CONTENT_FIELDS = (
    "title",
    "need_category",
    "problem",
    "existing_tools",
    "expected_outcome",
    "team_min",
    "team_max",
    "effort_hours",
    "start_date",
    "end_date",
    "work_mode",
    "city",
    "postcode",
)


# --- Who is acting -----------------------------------------------------------------------


def _require_member(organisation: Organisation, user: User, *, owner: bool = False) -> None:
    actors = organisation_actors(organisation=organisation, user=user)
    if Actor.OWNER not in actors if owner else Actor.MEMBER not in actors:
        raise PermissionDenied


def require_owner(*, organisation: Organisation, user: User) -> None:
    """For views: refuse (403) a page only owners may open."""
    _require_member(organisation, user, owner=True)


def _require_permission(user: User, permission: str) -> None:
    if not (user.is_active and user.is_staff and user.has_perm(permission)):
        raise PermissionDenied


# --- Organisations -----------------------------------------------------------------------


def _clean_identifiers(fields: dict[str, Any]) -> None:
    for name in ("rna", "siren", "siret"):
        if name in fields:
            fields[name] = normalise_identifier(fields[name] or "")
    if fields.get("siret") and not fields.get("siren"):
        fields["siren"] = fields["siret"][:9]


def organisation_create(
    *,
    acting_user: User,
    name: str,
    legal_form: str,
    city: str,
    postcode: str,
    description: str,
    causes: Iterable[Cause] = (),
    rna: str = "",
    siren: str = "",
    siret: str = "",
    website: str = "",
    logo: ContentFile | None = None,
) -> Organisation:
    """A new organisation, pending verification, with ``acting_user`` as its owner."""
    fields: dict[str, Any] = {"rna": rna, "siren": siren, "siret": siret}
    _clean_identifiers(fields)
    organisation = Organisation(
        name=name.strip(),
        legal_form=legal_form,
        city=city.strip(),
        postcode=postcode.strip(),
        description=description.strip(),
        website=website,
        **fields,
    )
    organisation.full_clean(exclude=["logo"])
    with transaction.atomic():
        if logo is not None:
            organisation.logo.save(logo.name or "logo", logo, save=False)
        organisation.save()
        organisation.causes.set(causes)
        OrganisationMembership.objects.create(
            organisation=organisation, user=acting_user, role=MembershipRole.OWNER
        )
        audit_record(
            actor=acting_user,
            action="organisation.create",
            target=organisation,
            to_state=organisation.verification_state,
        )
    return organisation


def organisation_update(
    *,
    organisation: Organisation,
    acting_user: User,
    causes: Iterable[Cause] | None = None,
    logo: ContentFile | None = None,
    remove_logo: bool = False,
    **fields: Any,
) -> Organisation:
    """Owners edit their organisation. A rejected organisation, or a verified one whose
    identity changes, goes back to the moderators' queue."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    _clean_identifiers(fields)
    fields = {
        name: value.strip() if isinstance(value, str) else value for name, value in fields.items()
    }
    with transaction.atomic():
        # Compare with the stored row, not with an instance a form may have touched.
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        _require_member(organisation, acting_user, owner=True)
        changed = [name for name, value in fields.items() if getattr(organisation, name) != value]
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.full_clean(exclude=["logo"])
        old_logo = organisation.logo.name if (logo is not None or remove_logo) else ""
        if logo is not None:
            organisation.logo.save(logo.name or "logo", logo, save=False)
        elif remove_logo:
            organisation.logo = None  # type: ignore[assignment]
        from_state = organisation.verification_state
        resubmit = from_state == VerificationState.REJECTED or (
            from_state == VerificationState.VERIFIED
            and any(name in IDENTITY_FIELDS for name in changed)
        )
        if resubmit:
            transition_for(ORGANISATION_TRANSITIONS, "resubmit", from_state)
            organisation.verification_state = VerificationState.PENDING
            organisation.verified_at = None
        organisation.save()
        if causes is not None:
            organisation.causes.set(causes)
        audit_record(
            actor=acting_user,
            action="organisation.resubmit" if resubmit else "organisation.update",
            target=organisation,
            from_state=from_state if resubmit else "",
            to_state=organisation.verification_state if resubmit else "",
            data={"changed": changed},
        )
        if "name" in changed:
            _reindex_briefs(Brief.objects.filter(organisation=organisation))
        if old_logo:
            storage = organisation.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return organisation


def _organisation_transition(
    *, organisation: Organisation, action: str, acting_user: User, reason: str = ""
) -> Transition:
    _require_permission(acting_user, VERIFY_PERMISSION)
    try:
        transition = transition_for(
            ORGANISATION_TRANSITIONS, action, organisation.verification_state
        )
    except TransitionError:
        raise ValidationError(
            _("“%(name)s” cannot be %(action)s in its current state (%(state)s).")
            % {
                "name": organisation.name,
                "action": _("verified") if action == "verify" else _("rejected"),
                "state": organisation.get_verification_state_display(),
            }
        ) from None
    if transition.needs_reason and not reason.strip():
        raise ValidationError(_("Give a reason: the organisation will read it."))
    return transition


def organisation_verify(*, organisation: Organisation, acting_user: User) -> Organisation:
    from notifications.services import notify

    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        transition = _organisation_transition(
            organisation=organisation, action="verify", acting_user=acting_user
        )
        from_state = organisation.verification_state
        organisation.verification_state = transition.target
        organisation.verification_reason = ""
        organisation.verified_at = timezone.now()
        organisation.save(
            update_fields=["verification_state", "verification_reason", "verified_at", "updated_at"]
        )
        event = audit_record(
            actor=acting_user,
            action="organisation.verify",
            target=organisation,
            from_state=from_state,
            to_state=transition.target,
        )
        for member in _members(organisation):
            notify(
                kind="organisation_verified",
                recipient=member,
                about=organisation,
                link=organisation.get_absolute_url(),
                context={"organisation_name": organisation.name},
                event_key=f"organisation:{organisation.pk}:verified:{event.pk}",
            )
    return organisation


def organisation_reject(
    *, organisation: Organisation, acting_user: User, reason: str
) -> Organisation:
    from notifications.services import notify

    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        transition = _organisation_transition(
            organisation=organisation, action="reject", acting_user=acting_user, reason=reason
        )
        from_state = organisation.verification_state
        organisation.verification_state = transition.target
        organisation.verification_reason = reason.strip()
        organisation.verified_at = None
        organisation.save(
            update_fields=["verification_state", "verification_reason", "verified_at", "updated_at"]
        )
        event = audit_record(
            actor=acting_user,
            action="organisation.reject",
            target=organisation,
            from_state=from_state,
            to_state=transition.target,
            reason=organisation.verification_reason,
        )
        for member in _members(organisation):
            notify(
                kind="organisation_rejected",
                recipient=member,
                about=organisation,
                link=organisation.get_absolute_url(),
                context={
                    "organisation_name": organisation.name,
                    "reason": organisation.verification_reason,
                },
                event_key=f"organisation:{organisation.pk}:rejected:{event.pk}",
            )
    return organisation


def _members(organisation: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            organisation_memberships__organisation=organisation, is_active=True
        ).order_by("pk")
    )


# --- Members and invitations -------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SentInvitation:
    invitation: OrganisationInvitation
    # The secret part of the link; only the email carries it (we store its hash).
    token: str

    @property
    def accept_path(self) -> str:
        return reverse("organisations:invitation", kwargs={"token": self.token})


def invitation_create(
    *, organisation: Organisation, email: str, acting_user: User
) -> SentInvitation:
    """Email an invitation link valid for 7 days. A new invitation to the same address
    replaces the pending one (its link stops working)."""
    from notifications.services import notify

    _require_member(organisation, acting_user, owner=True)
    email = email.strip().lower()
    if OrganisationMembership.objects.filter(
        organisation=organisation, user__email__iexact=email
    ).exists():
        raise ValidationError(_("%(email)s is already a member.") % {"email": email})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        organisation.invitations.pending().filter(email=email).update(revoked_at=now)
        invitation = OrganisationInvitation.objects.create(
            organisation=organisation,
            email=email,
            token_hash=_hash_token(token),
            invited_by=acting_user,
            expires_at=now + INVITATION_VALIDITY,
        )
        audit_record(
            actor=acting_user,
            action="organisation.invite",
            target=organisation,
            data={"email": email, "invitation": invitation.pk},
        )
        sent = SentInvitation(invitation=invitation, token=token)
        notify(
            kind="organisation_invitation",
            email=email,
            about=invitation,
            link=sent.accept_path,
            context={
                "organisation_name": organisation.name,
                "inviter_name": acting_user.display_name,
                "expires_at": invitation.expires_at.date().isoformat(),
            },
            event_key=f"invitation:{invitation.pk}",
        )
    return sent


def invitation_for_token(token: str) -> OrganisationInvitation | None:
    """The invitation a link points to, whatever its state (None if unknown)."""
    if not token or len(token) > 100:
        return None
    return (
        OrganisationInvitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=_hash_token(token))
        .first()
    )


def invitation_accept(*, token: str, acting_user: User) -> OrganisationMembership:
    """Join the organisation with a pending invitation sent to one of the person's
    verified addresses."""
    return invitation_accept_addressed(
        invitation=invitation_for_token(token), acting_user=acting_user
    )


def invitation_accept_addressed(
    *, invitation: OrganisationInvitation | None, acting_user: User
) -> OrganisationMembership:
    """The same, for an invitation found by the person's own address rather than by its
    link (the dashboard lists them)."""
    with transaction.atomic():
        if invitation is not None:
            invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation is None or not invitation.is_pending:
            raise ValidationError(
                _("This invitation is no longer valid. Ask for a new one."), code="expired"
            )
        if invitation.email.lower() not in verified_addresses(acting_user):
            raise ValidationError(
                _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
                % {"email": invitation.email},
                code="other_address",
            )
        membership, created = OrganisationMembership.objects.get_or_create(
            organisation=invitation.organisation,
            user=acting_user,
            defaults={"role": MembershipRole.MEMBER},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = acting_user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        if created:
            audit_record(
                actor=acting_user,
                action="organisation.join",
                target=invitation.organisation,
                to_state=membership.role,
                data={"invitation": invitation.pk},
            )
    return membership


def invitation_revoke(*, invitation: OrganisationInvitation, acting_user: User) -> None:
    _require_member(invitation.organisation, acting_user, owner=True)
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=acting_user,
            action="organisation.invitation_revoke",
            target=invitation.organisation,
            data={"email": invitation.email, "invitation": invitation.pk},
        )


def _owner_count(organisation: Organisation) -> int:
    return OrganisationMembership.objects.filter(
        organisation=organisation, role=MembershipRole.OWNER
    ).count()


def membership_set_role(
    *, membership: OrganisationMembership, role: str, acting_user: User
) -> OrganisationMembership:
    """Owners make a member an owner, or an owner a member (never the last owner)."""
    if role not in MembershipRole.values:
        raise ValueError(role)
    with transaction.atomic():
        membership = OrganisationMembership.objects.select_for_update().get(pk=membership.pk)
        organisation = membership.organisation
        _require_member(organisation, acting_user, owner=True)
        if membership.role == role:
            return membership
        if role == MembershipRole.MEMBER and _owner_count(organisation) <= 1:
            raise ValidationError(
                _("An organisation needs at least one owner: make someone else owner first.")
            )
        from_role = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=acting_user,
            action="organisation.role",
            target=organisation,
            from_state=from_role,
            to_state=role,
            data={"user": membership.user.email},
        )
    return membership


def ownership_transfer(
    *, organisation: Organisation, to_membership: OrganisationMembership, acting_user: User
) -> None:
    """The acting owner hands ownership to another member and stays as a member."""
    if to_membership.organisation_id != organisation.pk or to_membership.user_id == acting_user.pk:
        raise ValidationError(_("Choose another member of this organisation."))
    with transaction.atomic():
        membership_set_role(
            membership=to_membership, role=MembershipRole.OWNER, acting_user=acting_user
        )
        own = OrganisationMembership.objects.get(organisation=organisation, user=acting_user)
        membership_set_role(membership=own, role=MembershipRole.MEMBER, acting_user=acting_user)


def membership_remove(*, membership: OrganisationMembership, acting_user: User) -> None:
    """An owner removes someone, or a person leaves. The last owner cannot go."""
    with transaction.atomic():
        membership = (
            OrganisationMembership.objects.select_for_update()
            .select_related("organisation", "user")
            .get(pk=membership.pk)
        )
        organisation = membership.organisation
        leaving = membership.user_id == acting_user.pk
        if not leaving:
            _require_member(organisation, acting_user, owner=True)
        if membership.is_owner and _owner_count(organisation) <= 1:
            raise ValidationError(
                _(
                    "You are the last owner: make another member owner before leaving."
                    if leaving
                    else "An organisation needs at least one owner."
                )
            )
        membership.delete()
        audit_record(
            actor=acting_user,
            action="organisation.leave" if leaving else "organisation.remove_member",
            target=organisation,
            from_state=membership.role,
            data={"user": membership.user.email},
        )


# --- Briefs: content ---------------------------------------------------------------------


def _lock_editable(brief: Brief, acting_user: User) -> Brief:
    """The stored brief, locked for this transaction, if the person may still change it."""
    brief = Brief.objects.select_for_update().select_related("organisation").get(pk=brief.pk)
    _require_member(brief.organisation, acting_user)
    if not brief.is_editable:
        raise ValidationError(
            _("This brief can no longer be changed (%(state)s).")
            % {"state": brief.get_state_display()},
            code="not_editable",
        )
    return brief


def _derive_place(brief: Brief) -> None:
    brief.department = department_from_postcode(brief.postcode)
    brief.place_key = fold(brief.city)[:100]


def _reindex_briefs(queryset: Any) -> None:
    """Refresh the search text (Python) and vector (PostgreSQL) of these briefs."""
    briefs = list(queryset.select_related("organisation").prefetch_related("brief_skills__skill"))
    for brief in briefs:
        brief.search_text = _search_text(brief, [bs.skill for bs in brief.brief_skills.all()])
    Brief.objects.bulk_update(briefs, ["search_text"])
    search.refresh_search_vector(Brief.objects.filter(pk__in=[b.pk for b in briefs]))


def _search_text(brief: Brief, skills: Iterable[Skill]) -> str:
    return search.build_search_text(
        title=brief.title,
        problem=brief.problem,
        expected_outcome=brief.expected_outcome,
        existing_tools=brief.existing_tools,
        organisation_name=brief.organisation.name,
        city=brief.city,
        category_labels=search.category_labels(NeedCategory(brief.need_category).label),
        skill_names=[name for skill in skills for name in (skill.name_fr, skill.name_en)],
    )


def default_skills(category: str) -> list[tuple[Skill, int, int]]:
    return [
        (row.skill, row.level, row.weight)
        for row in NeedCategorySkill.objects.filter(category=category, skill__is_active=True)
        .select_related("skill")
        .order_by("-weight", "skill__name_fr")
    ]


def brief_create(
    *,
    organisation: Organisation,
    acting_user: User,
    title: str,
    need_category: str,
    problem: str,
    existing_tools: str = "",
) -> Brief:
    """A draft from the first step of the guided form, with the default skills of its
    kind of need (the author adjusts them in the last step)."""
    _require_member(organisation, acting_user)
    brief = Brief(
        organisation=organisation,
        created_by=acting_user,
        title=title.strip(),
        need_category=need_category,
        problem=problem.strip(),
        existing_tools=existing_tools.strip(),
        city=organisation.city,
        postcode=organisation.postcode,
    )
    _derive_place(brief)
    brief.full_clean()
    with transaction.atomic():
        brief.save()
        BriefSkill.objects.bulk_create(
            BriefSkill(brief=brief, skill=skill, level=level, weight=weight)
            for skill, level, weight in default_skills(need_category)
        )
        audit_record(actor=acting_user, action="brief.create", target=brief, to_state=brief.state)
        _reindex_briefs(Brief.objects.filter(pk=brief.pk))
    return brief


def brief_update(*, brief: Brief, acting_user: User, **fields: Any) -> Brief:
    """Save one step of the guided form (drafts and briefs sent back for changes)."""
    unknown = set(fields) - set(BRIEF_CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown brief fields: {sorted(unknown)}")
    with transaction.atomic():
        brief = _lock_editable(brief, acting_user)
        old_category = brief.need_category
        for name, value in fields.items():
            setattr(brief, name, value.strip() if isinstance(value, str) else value)
        _derive_place(brief)
        brief.full_clean()
        brief.save()
        if brief.need_category != old_category:
            _follow_category_defaults(brief, old_category)
        audit_record(
            actor=acting_user,
            action="brief.update",
            target=brief,
            data={"fields": sorted(fields)},
        )
        _reindex_briefs(Brief.objects.filter(pk=brief.pk))
    return brief


def _follow_category_defaults(brief: Brief, old_category: str) -> None:
    """If the author kept the old category's proposed skills untouched, propose the new
    category's instead; skills they chose themselves are never replaced."""
    current = set(brief.brief_skills.values_list("skill_id", "level", "weight"))
    proposed = {(skill.pk, level, weight) for skill, level, weight in default_skills(old_category)}
    if current and current != proposed:
        return
    brief.brief_skills.all().delete()
    BriefSkill.objects.bulk_create(
        BriefSkill(brief=brief, skill=skill, level=level, weight=weight)
        for skill, level, weight in default_skills(brief.need_category)
    )


def brief_set_skills(
    *, brief: Brief, acting_user: User, skills: Sequence[tuple[Skill, int, int]]
) -> Brief:
    """Replace the required skills with ``(skill, level, weight)`` rows."""
    seen: set[int] = set()
    rows = []
    for skill, level, weight in skills:
        if skill.pk in seen:
            raise ValidationError(
                _("%(skill)s is listed twice.") % {"skill": skill.name}, code="duplicate"
            )
        seen.add(skill.pk)
        rows.append(BriefSkill(brief=brief, skill=skill, level=level, weight=weight))
    for row in rows:
        row.full_clean(exclude=["brief"], validate_unique=False)
    with transaction.atomic():
        brief = _lock_editable(brief, acting_user)
        brief.brief_skills.all().delete()
        BriefSkill.objects.bulk_create(rows)
        brief.save(update_fields=["updated_at"])
        audit_record(
            actor=acting_user,
            action="brief.skills",
            target=brief,
            data={"skills": [row.skill.slug for row in rows]},
        )
        _reindex_briefs(Brief.objects.filter(pk=brief.pk))
    return brief


def brief_duplicate(*, brief: Brief, acting_user: User) -> Brief:
    """A new draft with the same content and skills (dates are left for the author)."""
    _require_member(brief.organisation, acting_user)
    copy = Brief(
        organisation=brief.organisation,
        created_by=acting_user,
        duplicated_from=brief,
        **{
            name: getattr(brief, name)
            for name in BRIEF_CONTENT_FIELDS
            if name not in ("start_date", "end_date")
        },
    )
    _derive_place(copy)
    with transaction.atomic():
        copy.save()
        BriefSkill.objects.bulk_create(
            BriefSkill(brief=copy, skill_id=row.skill_id, level=row.level, weight=row.weight)
            for row in brief.brief_skills.all()
        )
        audit_record(
            actor=acting_user,
            action="brief.duplicate",
            target=copy,
            to_state=copy.state,
            data={"from": brief.pk},
        )
        _reindex_briefs(Brief.objects.filter(pk=copy.pk))
    return copy


# --- Briefs: workflow --------------------------------------------------------------------


def _brief_transition(
    *, brief: Brief, action: str, acting_user: User | None, reason: str = ""
) -> tuple[Brief, str, Any]:
    """Lock the brief, check the move against the table, apply it, audit it."""
    brief = Brief.objects.select_for_update().select_related("organisation").get(pk=brief.pk)
    actors = organisation_actors(organisation=brief.organisation, user=acting_user)
    transition = BRIEF_TRANSITIONS[action]
    if not may(transition, actors):
        raise PermissionDenied
    try:
        transition_for(BRIEF_TRANSITIONS, action, brief.state)
    except TransitionError:
        raise ValidationError(
            _("This brief is “%(state)s”: this action is not possible now.")
            % {"state": brief.get_state_display()},
            code="invalid_transition",
        ) from None
    if transition.needs_reason and not reason.strip():
        raise ValidationError(_("Give a reason: the organisation will read it."), code="reason")
    from_state = brief.state
    now = timezone.now()
    brief.state = transition.target
    update = ["state", "updated_at"]
    if transition.target == BriefState.SUBMITTED:
        brief.submitted_at = now
        update.append("submitted_at")
    if transition.target == BriefState.PUBLISHED:
        brief.published_at = now
        brief.rejection_reason = ""
        update += ["published_at", "rejection_reason"]
    if transition.target == BriefState.REJECTED:
        brief.rejection_reason = reason.strip()
        update.append("rejection_reason")
    brief.save(update_fields=update)
    event = audit_record(
        actor=acting_user,
        action=f"brief.{action}",
        target=brief,
        from_state=from_state,
        to_state=brief.state,
        reason=reason.strip(),
    )
    return brief, from_state, event


def brief_submit(*, brief: Brief, acting_user: User) -> Brief:
    """Owners send a complete draft (or a corrected one) to the moderators."""
    with transaction.atomic():
        missing = brief_missing_parts(brief)
        if missing:
            raise ValidationError(
                _("Complete every step before sending the brief for review."), code="incomplete"
            )
        brief, _from, _event = _brief_transition(
            brief=brief, action="submit", acting_user=acting_user
        )
    return brief


def brief_publish(*, brief: Brief, acting_user: User) -> Brief:
    """Moderators publish a submitted brief of a verified organisation."""
    from notifications.services import notify

    _require_permission(acting_user, MODERATE_PERMISSION)
    with transaction.atomic():
        if not Organisation.objects.filter(
            pk=brief.organisation_id, verification_state=VerificationState.VERIFIED
        ).exists():
            raise ValidationError(
                _("Verify the organisation “%(name)s” before publishing its briefs.")
                % {"name": brief.organisation.name},
                code="organisation_not_verified",
            )
        brief, _from, event = _brief_transition(
            brief=brief, action="publish", acting_user=acting_user
        )
        for member in _members(brief.organisation):
            notify(
                kind="brief_published",
                recipient=member,
                about=brief,
                link=brief.get_absolute_url(),
                context={"brief_title": brief.title},
                event_key=f"brief:{brief.pk}:published:{event.pk}",
            )
    return brief


def brief_reject(*, brief: Brief, acting_user: User, reason: str) -> Brief:
    """Moderators send a submitted brief back for changes, saying what to change."""
    from notifications.services import notify

    with transaction.atomic():
        brief, _from, event = _brief_transition(
            brief=brief, action="reject", acting_user=acting_user, reason=reason
        )
        for member in _members(brief.organisation):
            notify(
                kind="brief_rejected",
                recipient=member,
                about=brief,
                link=brief.get_absolute_url(),
                context={"brief_title": brief.title, "reason": brief.rejection_reason},
                event_key=f"brief:{brief.pk}:rejected:{event.pk}",
            )
    return brief


def brief_start(*, brief: Brief, acting_user: User | None) -> Brief:
    """The project starts (a team is formed). ``acting_user=None`` means the platform, for
    a workflow that has already checked its own permissions (e.g. a published allocation)."""
    with transaction.atomic():
        brief, _from, _event = _brief_transition(
            brief=brief, action="start", acting_user=acting_user
        )
    return brief


def brief_deliver(*, brief: Brief, acting_user: User) -> Brief:
    with transaction.atomic():
        brief, _from, _event = _brief_transition(
            brief=brief, action="deliver", acting_user=acting_user
        )
    return brief


def brief_close(*, brief: Brief, acting_user: User) -> Brief:
    with transaction.atomic():
        brief, _from, _event = _brief_transition(
            brief=brief, action="close", acting_user=acting_user
        )
    return brief


def brief_cancel(*, brief: Brief, acting_user: User, reason: str = "") -> Brief:
    with transaction.atomic():
        brief, _from, _event = _brief_transition(
            brief=brief, action="cancel", acting_user=acting_user, reason=reason
        )
    return brief
