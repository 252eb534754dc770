"""Access to the organisations and briefs pages, for every role of the cast.

Organisation A belongs to owner_a (owner) and member_a (member); everybody else must get a
404 on its private pages (the same answer as for a page that does not exist). Owner-only
actions answer 403 to member_a, who can see the object.
"""

import datetime
import itertools
from typing import Any

from organisations.models import (
    Brief,
    BriefSkill,
    MembershipRole,
    OrganisationInvitation,
    OrganisationMembership,
)
from organisations.workflow import BriefState
from tests.factories import UserFactory

from . import LOGIN, PRIVATE_ANY_USER, PUBLIC, REDIRECT, Policy

_counter = itertools.count()

ORG_A_MEMBERS = {"anonymous": LOGIN, "owner_a": 200, "member_a": 200, "*": 404}
ORG_A_OWNER_PAGE = {"anonymous": LOGIN, "owner_a": 200, "member_a": 403, "*": 404}
ORG_A_OWNER_ACTION = {"anonymous": LOGIN, "owner_a": REDIRECT, "member_a": 403, "*": 404}
ORG_A_MEMBER_ACTION = {"anonymous": LOGIN, "owner_a": REDIRECT, "member_a": REDIRECT, "*": 404}


def _org_a(cast: Any) -> dict[str, Any]:
    return {"pk": cast.org_a.pk}


def _fresh_membership(cast: Any) -> dict[str, Any]:
    user = UserFactory.create(email=f"colleague{next(_counter)}@asso-a.fr")
    membership = OrganisationMembership.objects.create(
        organisation=cast.org_a, user=user, role=MembershipRole.MEMBER
    )
    return {"pk": cast.org_a.pk, "membership_pk": membership.pk}


def _fresh_invitation(cast: Any) -> dict[str, Any]:
    invitation = OrganisationInvitation.objects.create(
        organisation=cast.org_a,
        email=f"invited{next(_counter)}@asso-a.fr",
        token_hash=f"{next(_counter):064d}",
        invited_by=cast.owner_a,
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7),
    )
    return {"pk": cast.org_a.pk, "invitation_pk": invitation.pk}


def _invitation_to_owner_b(cast: Any) -> dict[str, Any]:
    invitation = OrganisationInvitation.objects.create(
        organisation=cast.org_a,
        email=cast.owner_b.email,
        token_hash=f"{next(_counter):064d}",
        invited_by=cast.owner_a,
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7),
    )
    return {"pk": invitation.pk}


def _valid_invitation_token(cast: Any) -> dict[str, Any]:
    from organisations.services import invitation_create

    sent = invitation_create(
        organisation=cast.org_a,
        email=f"newcomer{next(_counter)}@exemple.fr",
        acting_user=cast.owner_a,
    )
    return {"token": sent.token}


def _fresh_brief(state: str) -> Any:
    """A complete brief of organisation A in ``state``, new for each role."""

    def make(cast: Any) -> dict[str, Any]:
        brief = Brief.objects.create(
            organisation=cast.org_a,
            title="Base de données des bénévoles",
            need_category="database",
            problem="Nos bénévoles sont dans trois tableurs.",
            expected_outcome="Une base unique.",
            effort_hours=100,
            start_date=datetime.date.today() + datetime.timedelta(days=10),
            end_date=datetime.date.today() + datetime.timedelta(days=80),
            state=state,
        )
        BriefSkill.objects.create(brief=brief, skill=cast.brief_a.brief_skills.get().skill)
        return {"pk": brief.pk}

    return make


POLICIES = {
    # Organisations
    "organisations:mine": Policy(
        {
            "anonymous": LOGIN,
            "owner_a": REDIRECT,
            "member_a": REDIRECT,
            "owner_b": REDIRECT,
            "*": 200,
        }
    ),
    "organisations:create": PRIVATE_ANY_USER,
    "organisations:detail": Policy(ORG_A_MEMBERS, kwargs=_org_a),
    "organisations:edit": Policy(ORG_A_OWNER_PAGE, kwargs=_org_a),
    "organisations:members": Policy(ORG_A_MEMBERS, kwargs=_org_a),
    "organisations:invite": Policy(
        ORG_A_OWNER_ACTION,
        kwargs=_org_a,
        method="post",
        data=lambda cast: {"email": f"nouvelle{next(_counter)}@asso-a.fr"},
    ),
    "organisations:invitation_revoke": Policy(
        ORG_A_OWNER_ACTION, kwargs=_fresh_invitation, method="post"
    ),
    "organisations:member_role": Policy(
        ORG_A_OWNER_ACTION,
        kwargs=_fresh_membership,
        method="post",
        data=lambda cast: {"role": "owner"},
    ),
    "organisations:transfer": Policy(ORG_A_OWNER_ACTION, kwargs=_fresh_membership, method="post"),
    "organisations:member_remove": Policy(
        ORG_A_OWNER_ACTION, kwargs=_fresh_membership, method="post"
    ),
    # The last owner is refused with a message (redirect); a member leaves.
    "organisations:leave": Policy(ORG_A_MEMBER_ACTION, kwargs=_org_a, method="post"),
    # The emailed link: public, whoever opens it.
    "organisations:invitation": Policy({"*": 200}, kwargs=_valid_invitation_token),
    # From the dashboard: only the person the invitation was sent to.
    "organisations:invitation_join": Policy(
        {"anonymous": LOGIN, "owner_b": REDIRECT, "*": 404},
        kwargs=_invitation_to_owner_b,
        method="post",
    ),
    # Briefs
    "briefs:list": PUBLIC,
    "briefs:create": Policy(
        {"anonymous": LOGIN, "owner_a": 200, "member_a": 200, "owner_b": 200, "*": REDIRECT}
    ),
    # A draft: its organisation only, 404 for everybody else, visitors included.
    "briefs:detail": Policy(
        {"owner_a": 200, "member_a": 200, "*": 404}, kwargs=lambda cast: {"pk": cast.draft_a.pk}
    ),
    "briefs:edit": Policy(
        ORG_A_MEMBERS, kwargs=lambda cast: {"pk": cast.draft_a.pk, "step": "problem"}
    ),
    "briefs:review": Policy(ORG_A_MEMBERS, kwargs=lambda cast: {"pk": cast.draft_a.pk}),
    "briefs:submit": Policy(
        ORG_A_OWNER_ACTION, kwargs=_fresh_brief(BriefState.DRAFT), method="post"
    ),
    "briefs:cancel": Policy(
        ORG_A_OWNER_ACTION, kwargs=_fresh_brief(BriefState.PUBLISHED), method="post"
    ),
    "briefs:deliver": Policy(
        ORG_A_OWNER_ACTION, kwargs=_fresh_brief(BriefState.IN_PROGRESS), method="post"
    ),
    "briefs:close": Policy(
        ORG_A_OWNER_ACTION, kwargs=_fresh_brief(BriefState.DELIVERED), method="post"
    ),
    "briefs:duplicate": Policy(
        ORG_A_MEMBER_ACTION, kwargs=lambda cast: {"pk": cast.draft_a.pk}, method="post"
    ),
}
