"""Who sees which brief: drafts, briefs under review, rejected and cancelled ones stay
inside their organisation, on the site and in the catalogue's filter set."""

import pytest
from django.contrib.auth.models import AnonymousUser

from organisations.filters import BriefFilter
from organisations.models import Brief, Organisation
from organisations.workflow import BriefState

pytestmark = pytest.mark.django_db

PRIVATE = [BriefState.DRAFT, BriefState.SUBMITTED, BriefState.REJECTED, BriefState.CANCELLED]
PUBLIC = [BriefState.PUBLISHED, BriefState.IN_PROGRESS, BriefState.DELIVERED, BriefState.CLOSED]


@pytest.fixture
def briefs_in_every_state(cast) -> dict[str, Brief]:
    return {
        state: Brief.objects.create(
            organisation=cast.org_a, title=f"Brief {state}", need_category="other", state=state
        )
        for state in BriefState.values
    }


def test_visitors_and_other_people_see_only_public_briefs(cast, briefs_in_every_state) -> None:
    for user in (AnonymousUser(), cast.owner_b, cast.student_a, cast.moderator):
        visible = set(Brief.objects.visible_to(user).filter(organisation=cast.org_a))
        for state in PRIVATE:
            assert briefs_in_every_state[state] not in visible
        for state in PUBLIC:
            assert briefs_in_every_state[state] in visible


def test_members_see_every_brief_of_their_organisation_once(cast, briefs_in_every_state) -> None:
    for user in (cast.owner_a, cast.member_a):
        visible = list(Brief.objects.visible_to(user).filter(organisation=cast.org_a))
        assert set(briefs_in_every_state.values()) <= set(visible)
        assert len(visible) == len(set(visible))  # no duplicate rows from the join


def test_the_filter_set_only_ever_returns_published_briefs(cast, briefs_in_every_state) -> None:
    listed = set(BriefFilter({}, queryset=Brief.objects.all()).qs)
    assert briefs_in_every_state[BriefState.PUBLISHED] in listed
    assert listed <= set(Brief.objects.published())


def test_organisation_scoping(cast) -> None:
    assert list(Organisation.objects.of_member(cast.member_a)) == [cast.org_a]
    assert list(Organisation.objects.of_member(AnonymousUser())) == []
    assert list(Brief.objects.of_member(cast.owner_b)) == [cast.brief_b]
