"""Writing briefs and moving them through the workflow, through the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from matching.models import NeedCategorySkill, Skill
from notifications.models import Notification
from organisations import services
from organisations.models import Brief
from organisations.selectors import brief_missing_parts
from organisations.workflow import BRIEF_TRANSITIONS, Actor, BriefState, available_actions

from .helpers import TODAY, complete_brief, make_organisation

pytestmark = pytest.mark.django_db


def test_a_new_brief_proposes_the_default_skills_of_its_category(cast) -> None:
    brief = services.brief_create(
        organisation=cast.org_a,
        acting_user=cast.member_a,
        title="Gérer nos adhérents",
        need_category="crm",
        problem="Trois tableurs.",
    )
    expected = set(
        NeedCategorySkill.objects.filter(category="crm").values_list(
            "skill__slug", "level", "weight"
        )
    )
    assert set(brief.brief_skills.values_list("skill__slug", "level", "weight")) == expected
    assert (brief.state, brief.city, brief.department) == ("draft", "Lille", "59")
    assert brief_missing_parts(brief) == ["outcome", "practical"]


def test_changing_category_swaps_untouched_proposals_but_keeps_chosen_skills(cast) -> None:
    brief = services.brief_create(
        organisation=cast.org_a,
        acting_user=cast.owner_a,
        title="Un besoin",
        need_category="website",
        problem="Un problème.",
    )
    services.brief_update(brief=brief, acting_user=cast.owner_a, need_category="data")
    data_defaults = set(
        NeedCategorySkill.objects.filter(category="data").values_list("skill__slug", flat=True)
    )
    assert set(brief.brief_skills.values_list("skill__slug", flat=True)) == data_defaults
    django = Skill.objects.get(slug="django")
    services.brief_set_skills(brief=brief, acting_user=cast.owner_a, skills=[(django, 3, 3)])
    services.brief_update(brief=brief, acting_user=cast.owner_a, need_category="website")
    assert list(brief.brief_skills.values_list("skill__slug", "level", "weight")) == [
        ("django", 3, 3)
    ]


def test_skills_are_unique_per_brief(cast) -> None:
    django = Skill.objects.get(slug="django")
    with pytest.raises(ValidationError):
        services.brief_set_skills(
            brief=cast.draft_a, acting_user=cast.owner_a, skills=[(django, 2, 2), (django, 3, 3)]
        )


def test_dates_and_team_sizes_are_checked(cast) -> None:
    with pytest.raises(ValidationError):
        services.brief_update(
            brief=cast.draft_a,
            acting_user=cast.owner_a,
            start_date=TODAY + datetime.timedelta(days=10),
            end_date=TODAY,
        )
    with pytest.raises(ValidationError):
        services.brief_update(brief=cast.draft_a, acting_user=cast.owner_a, team_min=5, team_max=2)
    cast.draft_a.refresh_from_db()
    assert (cast.draft_a.team_min, cast.draft_a.team_max) == (2, 4)


def test_outsiders_cannot_write_briefs(cast) -> None:
    with pytest.raises(PermissionDenied):
        services.brief_update(brief=cast.draft_a, acting_user=cast.owner_b, title="Piraté")
    with pytest.raises(PermissionDenied):
        services.brief_create(
            organisation=cast.org_a,
            acting_user=cast.student_a,
            title="x",
            need_category="other",
            problem="x",
        )


def test_the_whole_workflow_with_its_audit_trail(cast) -> None:
    brief = complete_brief(cast.org_a, cast.member_a)
    with pytest.raises(PermissionDenied):  # a member writes, an owner sends
        services.brief_submit(brief=brief, acting_user=cast.member_a)
    services.brief_submit(brief=brief, acting_user=cast.owner_a)
    with pytest.raises(PermissionDenied):
        services.brief_publish(brief=brief, acting_user=cast.owner_a)
    with pytest.raises(ValidationError):  # content is frozen under review
        services.brief_update(brief=brief, acting_user=cast.owner_a, title="Autre")
    services.brief_publish(brief=brief, acting_user=cast.moderator)
    services.brief_start(brief=brief, acting_user=None)
    services.brief_deliver(brief=brief, acting_user=cast.owner_a)
    services.brief_close(brief=brief, acting_user=cast.owner_a)
    brief.refresh_from_db()
    assert brief.state == BriefState.CLOSED and brief.published_at and brief.submitted_at
    trail = list(
        AuditEvent.objects.filter(target_id=str(brief.pk), action__startswith="brief.")
        .exclude(action__in=["brief.create", "brief.update", "brief.skills"])
        .order_by("created_at", "id")
        .values_list("action", "from_state", "to_state", "actor__email")
    )
    assert trail == [
        ("brief.submit", "draft", "submitted", cast.owner_a.email),
        ("brief.publish", "submitted", "published", cast.moderator.email),
        ("brief.start", "published", "in_progress", None),
        ("brief.deliver", "in_progress", "delivered", cast.owner_a.email),
        ("brief.close", "delivered", "closed", cast.owner_a.email),
    ]
    published = Notification.objects.filter(kind="brief_published")
    assert {n.recipient for n in published} == {cast.owner_a, cast.member_a}
    assert published[0].link == f"/briefs/{brief.pk}/"


def test_an_incomplete_draft_cannot_be_sent(cast) -> None:
    brief = services.brief_create(
        organisation=cast.org_a,
        acting_user=cast.owner_a,
        title="Un besoin",
        need_category="website",
        problem="Un problème.",
    )
    with pytest.raises(ValidationError) as raised:
        services.brief_submit(brief=brief, acting_user=cast.owner_a)
    assert raised.value.code == "incomplete"


def test_only_verified_organisations_get_published(cast) -> None:
    organisation = make_organisation(cast.owner_b)
    brief = complete_brief(organisation, cast.owner_b)
    services.brief_submit(brief=brief, acting_user=cast.owner_b)
    with pytest.raises(ValidationError) as raised:
        services.brief_publish(brief=brief, acting_user=cast.moderator)
    assert raised.value.code == "organisation_not_verified"
    services.organisation_verify(organisation=organisation, acting_user=cast.moderator)
    services.brief_publish(brief=brief, acting_user=cast.moderator)
    assert Brief.objects.get(pk=brief.pk).state == "published"


def test_a_rejected_brief_is_editable_again_and_can_be_sent_again(cast) -> None:
    brief = complete_brief(cast.org_a, cast.owner_a)
    services.brief_submit(brief=brief, acting_user=cast.owner_a)
    with pytest.raises(ValidationError):
        services.brief_reject(brief=brief, acting_user=cast.moderator, reason="")
    services.brief_reject(brief=brief, acting_user=cast.moderator, reason="Précisez les dates.")
    brief.refresh_from_db()
    assert (brief.state, brief.rejection_reason) == ("rejected", "Précisez les dates.")
    rejected = Notification.objects.filter(kind="brief_rejected")
    assert rejected.count() == 2
    assert rejected[0].context == {"brief_title": brief.title, "reason": "Précisez les dates."}
    services.brief_update(brief=brief, acting_user=cast.member_a, effort_hours=120)
    services.brief_submit(brief=brief, acting_user=cast.owner_a)
    services.brief_publish(brief=brief, acting_user=cast.moderator)
    brief.refresh_from_db()
    assert (brief.state, brief.rejection_reason) == ("published", "")


def test_cancelling_and_impossible_moves(cast) -> None:
    with pytest.raises(ValidationError):
        services.brief_deliver(brief=cast.brief_a, acting_user=cast.owner_a)
    with pytest.raises(PermissionDenied):
        services.brief_cancel(brief=cast.brief_a, acting_user=cast.member_a)
    services.brief_cancel(brief=cast.brief_a, acting_user=cast.owner_a)
    with pytest.raises(ValidationError):
        services.brief_cancel(brief=cast.brief_a, acting_user=cast.owner_a)


def test_duplicating_copies_content_and_skills_but_not_dates(cast) -> None:
    copy = services.brief_duplicate(brief=cast.brief_a, acting_user=cast.member_a)
    assert copy.state == "draft" and copy.duplicated_from == cast.brief_a
    assert (copy.title, copy.problem) == (cast.brief_a.title, cast.brief_a.problem)
    assert copy.start_date is None and copy.end_date is None
    assert list(copy.brief_skills.values_list("skill_id", flat=True)) == list(
        cast.brief_a.brief_skills.values_list("skill_id", flat=True)
    )
    with pytest.raises(PermissionDenied):
        services.brief_duplicate(brief=cast.brief_a, acting_user=cast.owner_b)


def test_the_transition_table_drives_the_buttons() -> None:
    owner, member = {Actor.OWNER, Actor.MEMBER}, {Actor.MEMBER}
    assert available_actions(BRIEF_TRANSITIONS, "draft", owner) == ["submit", "cancel"]
    assert available_actions(BRIEF_TRANSITIONS, "draft", member) == []
    assert available_actions(BRIEF_TRANSITIONS, "submitted", {Actor.MODERATOR}) == [
        "publish",
        "reject",
    ]
    assert available_actions(BRIEF_TRANSITIONS, "closed", owner | {Actor.MODERATOR}) == []
    sources = {state for t in BRIEF_TRANSITIONS.values() for state in t.sources}
    targets = {t.target for t in BRIEF_TRANSITIONS.values()}
    assert sources | targets == set(BriefState.values)
