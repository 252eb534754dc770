"""Reads of the organisations app. Visibility lives in the querysets
(``Brief.objects.visible_to(user)``, ``Organisation.objects.of_member(user)``); these
functions shape what pages need in a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from accounts.models import User

from .filters import BriefFilter
from .models import (
    Brief,
    BriefSkill,
    InvitationQuerySet,
    MembershipRole,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    WorkMode,
)
from .workflow import BRIEF_TRANSITIONS, FINISHED_STATES, Actor, BriefState, available_actions

MODERATE_PERMISSION = "organisations.moderate_brief"
CATALOGUE_PAGE_SIZE = 12
# Skills shown on a brief card (the most important first).
CARD_SKILLS = 4


def briefs_with_card_data(queryset: QuerySet[Brief]) -> QuerySet[Brief]:
    """What a brief card shows, in two queries whatever the number of briefs."""
    return queryset.select_related("organisation").prefetch_related(
        Prefetch(
            "brief_skills",
            queryset=BriefSkill.objects.select_related("skill").order_by(
                "-weight", "-level", "skill__name_fr"
            ),
        )
    )


@dataclass
class Catalogue:
    filterset: BriefFilter
    page: Page
    relaxed: bool

    @property
    def count(self) -> int:
        return self.page.paginator.count


def brief_catalogue(*, params: Any, page_number: Any = 1) -> Catalogue:
    """The public catalogue: published briefs, filtered by ``params`` (a QueryDict)."""
    filterset = BriefFilter(params)
    paginator = Paginator(briefs_with_card_data(filterset.qs), CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(page_number)
    return Catalogue(filterset=filterset, page=page, relaxed=filterset.relaxed)


def brief_for_detail(*, user: User | Any, pk: int) -> Brief | None:
    return (
        briefs_with_card_data(Brief.objects.visible_to(user))
        .prefetch_related("organisation__causes")
        .filter(pk=pk)
        .first()
    )


def briefs_similar_to(*, brief: Brief, limit: int = 3) -> list[Brief]:
    """Other published briefs of the same kind of need, those sharing most skills first
    (for "see also" links and kind words when an application is declined)."""
    skill_ids = list(brief.brief_skills.values_list("skill_id", flat=True))
    queryset = (
        Brief.objects.published()
        .exclude(pk=brief.pk)
        .filter(Q(need_category=brief.need_category) | Q(brief_skills__skill_id__in=skill_ids))
        .annotate(shared=Count("brief_skills", filter=Q(brief_skills__skill_id__in=skill_ids)))
        .order_by("-shared", "-published_at")
        .select_related("organisation")
    )
    return list(queryset[:limit])


def organisation_actors(*, organisation: Organisation, user: User | None) -> set[Actor]:
    """What ``user`` is for this organisation: owner, member, moderator (or nothing)."""
    if user is None:
        return {Actor.PLATFORM}
    actors: set[Actor] = set()
    role = (
        OrganisationMembership.objects.filter(organisation=organisation, user=user)
        .values_list("role", flat=True)
        .first()
    )
    if role is not None:
        actors.add(Actor.MEMBER)
        if role == MembershipRole.OWNER:
            actors.add(Actor.OWNER)
    if user.is_active and user.is_staff and user.has_perm(MODERATE_PERMISSION):
        actors.add(Actor.MODERATOR)
    return actors


def brief_missing_parts(brief: Brief, *, has_skills: bool | None = None) -> list[str]:
    """The steps of the guided form still incomplete (``[]`` when ready to submit)."""
    missing = []
    if not (brief.title and brief.problem and brief.need_category):
        missing.append("problem")
    if not brief.expected_outcome:
        missing.append("outcome")
    if (
        brief.effort_hours is None
        or brief.start_date is None
        or brief.end_date is None
        or (brief.work_mode != WorkMode.REMOTE and not (brief.city and brief.postcode))
    ):
        missing.append("practical")
    if has_skills is None:
        has_skills = brief.brief_skills.exists()
    if not has_skills:
        missing.append("skills")
    return missing


@dataclass
class BriefRow:
    """A brief on its organisation's dashboard, with what to do next."""

    brief: Brief
    actions: list[str]
    missing: list[str]


@dataclass
class OrganisationBoard:
    organisation: Organisation
    membership: OrganisationMembership
    rows_by_state: dict[str, list[BriefRow]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def is_owner(self) -> bool:
        return self.membership.role == MembershipRole.OWNER

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# Dashboard order: what needs the organisation first, the archive last.
DASHBOARD_STATES = [
    BriefState.REJECTED,
    BriefState.DRAFT,
    BriefState.SUBMITTED,
    BriefState.PUBLISHED,
    BriefState.IN_PROGRESS,
    BriefState.DELIVERED,
    BriefState.CLOSED,
    BriefState.CANCELLED,
]


def organisation_board(*, organisation: Organisation, user: User) -> OrganisationBoard:
    """An organisation's briefs grouped by state, each with the actions the person may
    take (from the workflow table) and the steps still to complete."""
    membership = OrganisationMembership.objects.get(organisation=organisation, user=user)
    actors = organisation_actors(organisation=organisation, user=user)
    briefs = list(
        Brief.objects.filter(organisation=organisation)
        .annotate(skill_count=Count("brief_skills"))
        .order_by("-updated_at")
    )
    board = OrganisationBoard(organisation=organisation, membership=membership)
    for state in DASHBOARD_STATES:
        board.rows_by_state[state] = []
    for brief in briefs:
        board.rows_by_state[brief.state].append(
            BriefRow(
                brief=brief,
                # Moderators act in the admin; here a person acts as a member.
                actions=available_actions(
                    BRIEF_TRANSITIONS, brief.state, actors - {Actor.MODERATOR}
                ),
                missing=brief_missing_parts(brief, has_skills=brief.skill_count > 0)  # type: ignore[attr-defined]
                if brief.is_editable
                else [],
            )
        )
    board.counts = {state: len(rows) for state, rows in board.rows_by_state.items()}
    return board


@dataclass
class DashboardSummary:
    organisation: Organisation
    is_owner: bool
    counts: dict[str, int]
    to_finish: int
    rejected: int

    @property
    def under_way(self) -> list[tuple[str, int]]:
        """(state, count) of the briefs past the organisation's hands, in workflow order."""
        return [
            (state, self.counts[state])
            for state in (BriefState.SUBMITTED, BriefState.PUBLISHED, BriefState.IN_PROGRESS)
            if self.counts.get(state)
        ]

    @property
    def active(self) -> int:
        return sum(
            n for state, n in self.counts.items() if state not in FINISHED_STATES | {"cancelled"}
        )


def dashboard_summaries(*, user: User) -> list[DashboardSummary]:
    """The person's organisations with their briefs counted by state (two queries)."""
    memberships = list(
        OrganisationMembership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if not memberships:
        return []
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Brief.objects.filter(organisation__in=[m.organisation_id for m in memberships])
        .values("organisation_id", "state")
        .annotate(n=Count("pk"))
    ):
        counts[row["organisation_id"]][row["state"]] = row["n"]
    return [
        DashboardSummary(
            organisation=m.organisation,
            is_owner=m.role == MembershipRole.OWNER,
            counts=counts[m.organisation_id],
            to_finish=counts[m.organisation_id].get(BriefState.DRAFT, 0),
            rejected=counts[m.organisation_id].get(BriefState.REJECTED, 0),
        )
        for m in memberships
    ]


def organisation_members(*, organisation: Organisation) -> QuerySet[OrganisationMembership]:
    return (
        OrganisationMembership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__last_name", "user__email")
    )


# --- Platform figures (humanitech.stats) -------------------------------------------------


def count_verified_organisations() -> int:
    return Organisation.objects.verified().count()


def count_published_briefs() -> int:
    return Brief.objects.published().count()


def count_delivered_briefs() -> int:
    return Brief.objects.filter(state__in=FINISHED_STATES).count()


def invitations_addressed_to(addresses: set[str]) -> InvitationQuerySet:
    """Invitations sent to one of these (lower-cased) addresses, whatever their state."""
    return (
        OrganisationInvitation.objects.alias(address=Lower("email"))
        .filter(address__in=addresses)
        .select_related("organisation", "invited_by")
    )


def invitations_waiting_for(user: User, addresses: set[str]) -> InvitationQuerySet:
    """Of those, the pending ones to an organisation the person is not in yet."""
    return (
        invitations_addressed_to(addresses).pending().exclude(organisation__memberships__user=user)
    )
