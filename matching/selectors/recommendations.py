"""Reads of the recommendations: "Missions pour vous" for a student, "Profils recommandés"
for a brief, and the published briefs as one engine block (cached).

Pages read the ``MatchScore`` table the batch job fills (``services.recommendations``) and
score on the fly when the table cannot answer: a student with no rows yet or whose profile
changed since they were computed, or filters the stored top 20 cannot serve. Either way a
page runs a constant number of queries, and explanations are computed for the pairs shown
only. A student only ever reads their own scores: every read here starts from the user.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from ..engine_data import (
    brief_block,
    explanations_for,
    student_block,
    taxonomy_data,
)
from ..models import Application, CohortBrief, MatchScore, RecomputeRun, TeamMember
from ..scoring import (
    BriefBlock,
    Explanation,
    StudentBlock,
    explain,
    recommend_for_student,
    top_k_for_briefs,
)
from .applications import seats_taken_subquery

if TYPE_CHECKING:
    from accounts.models import User
    from humanitech.roles import Roles
    from organisations.models import Brief, Organisation
    from students.models import StudentProfile

#: What the batch keeps: the best briefs of each student, the best students of each brief.
STUDENT_TOP_K: Final = 20
BRIEF_TOP_K: Final = 50
PAGE_SIZE: Final = 10
#: "Hide low matches" hides scores under this (the "fair match" band of the badge).
LOW_MATCH_BELOW: Final = 45
PUBLISHED_BLOCK_TTL: Final = 3600
PUBLISHED_KEY: Final = "matching:published-briefs:v1"
#: How far before a run's start a change may have been saved yet missed by it (a transaction
#: committed after the run looked): the debounced refresh looks that far back again, and a
#: profile changed within it is scored on the fly.
CHANGE_MARGIN: Final = datetime.timedelta(seconds=60)


def last_recompute_start() -> datetime.datetime | None:
    """The watermark: the start of the last finished run (every change before it, less
    ``CHANGE_MARGIN``, is in the table)."""
    return (
        RecomputeRun.objects.filter(state=RecomputeRun.State.DONE, started_at__isnull=False)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )


# --- The published briefs as one engine block --------------------------------------------------


@dataclass(frozen=True, eq=False)
class PublishedBriefs:
    """Every published brief as an engine block (open or full: ``block.open``), with what the
    filters of "Missions pour vous" need, aligned with the block's rows."""

    version: str
    block: BriefBlock
    need_category: np.ndarray  # str codes
    published_at: np.ndarray  # POSIX seconds

    @property
    def taxonomy(self) -> Any:
        return self.block.taxonomy


_memo_lock = threading.Lock()
# One block per process at most (the latest version), so the memo never grows.
_memo: dict[str, PublishedBriefs] = {}


def published_briefs_version() -> str:
    """Changes whenever the published set, a published brief, its organisation or its team
    changes (2 queries). Includes today's date: the engine's default dates depend on it."""
    from organisations.models import Brief
    from organisations.workflow import BriefState

    from ..models import TeamMember

    briefs = Brief.objects.published().aggregate(
        n=Count("pk"),
        ids=Sum("pk"),
        changed=Max("updated_at"),
        organisations=Max("organisation__updated_at"),
    )
    seats = TeamMember.objects.filter(brief__state=BriefState.PUBLISHED).aggregate(
        n=Count("pk"), ids=Sum("pk")
    )
    facts = [*briefs.values(), *seats.values(), timezone.localdate()]
    return hashlib.blake2b(repr(facts).encode(), digest_size=12).hexdigest()


def _build_published(version: str, *, refresh_taxonomy: bool = False) -> PublishedBriefs:
    from organisations.models import Brief

    taxonomy = taxonomy_data(refresh=refresh_taxonomy).taxonomy
    published = Brief.objects.published()
    block = brief_block(published, taxonomy=taxonomy)
    facts = {
        pk: (category, at.timestamp() if at else 0.0)
        for pk, category, at in published.values_list("pk", "need_category", "published_at")
    }
    ids = block.ids.tolist()
    block.plan()  # compiled once, kept inside the block (and in the cache with it)
    return PublishedBriefs(
        version=version,
        block=block,
        need_category=np.asarray([facts[pk][0] for pk in ids], dtype=object),
        published_at=np.asarray([facts[pk][1] for pk in ids], np.float64),
    )


def published_briefs(*, refresh_taxonomy: bool = False) -> PublishedBriefs:
    """The published briefs' block: this process's copy when its version is current, else
    the Django cache's (shared by every process), else built (5 queries) and cached.

    Build the students scored against it with ``taxonomy=published.taxonomy``.
    """
    version = published_briefs_version()
    with _memo_lock:
        held = _memo.get("published")
    if held is not None and held.version == version and not refresh_taxonomy:
        return held
    # One cache entry, overwritten by each new version: a busy day of publications must not
    # leave a trail of ten-megabyte blocks in Redis.
    published: PublishedBriefs | None = None if refresh_taxonomy else cache.get(PUBLISHED_KEY)
    if published is None or published.version != version:
        published = _build_published(version, refresh_taxonomy=refresh_taxonomy)
        cache.set(PUBLISHED_KEY, published, PUBLISHED_BLOCK_TTL)
    with _memo_lock:
        _memo["published"] = published
    return published


def _student_against(
    published: PublishedBriefs, students: Any
) -> tuple[PublishedBriefs, StudentBlock]:
    """A student block on the published block's taxonomy; a skill newer than that taxonomy
    (added in the admin a moment ago) rebuilds both once."""
    try:
        return published, student_block(students, taxonomy=published.taxonomy)
    except KeyError:
        fresh = published_briefs(refresh_taxonomy=True)
        return fresh, student_block(students, taxonomy=fresh.taxonomy)


# --- "Missions pour vous" ----------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationFilters:
    need_category: str = ""
    work_mode: str = ""
    hide_low: bool = False

    @property
    def narrows_the_catalogue(self) -> bool:
        """Filters the stored top 20 cannot serve (they would leave too few)."""
        return bool(self.need_category or self.work_mode)

    @property
    def min_score(self) -> float:
        return float(LOW_MATCH_BELOW) if self.hide_low else 0.0


@dataclass(frozen=True)
class RecommendedBrief:
    brief: Brief
    score: float
    explanation: Explanation | None


class ProfileState:
    READY = "ready"
    NO_PROFILE = "no_profile"
    NO_SKILLS = "no_skills"


@dataclass(frozen=True)
class StudentRecommendations:
    state: str
    page: Page | None = None
    source: str = ""  # "table" (the batch's rows) or "live" (scored for this page)
    items: list[RecommendedBrief] = field(default_factory=list)
    # The cohort's cap on accepted projects, when the student has reached it: they may
    # still browse, but no longer apply.
    accepted_cap: int | None = None

    @property
    def count(self) -> int:
        return self.page.paginator.count if self.page is not None else 0


def _profile_with_skill_count(user: User) -> StudentProfile | None:
    from students.models import StudentProfile

    return (
        StudentProfile.objects.filter(user=user)
        .annotate(held=Count("skills", filter=Q(skills__wants_to_learn=False)))
        .only("pk", "user_id", "updated_at")
        .first()
    )


def _table_rows(user: User, profile: StudentProfile) -> list[tuple[int, float]] | None:
    """The student's stored top briefs that are still open, best first; None when the table
    cannot answer: no rows, or the profile changed after the last run looked (the rows
    predate the change)."""
    from organisations.workflow import BriefState

    watermark = last_recompute_start()
    if watermark is None or profile.updated_at > watermark - CHANGE_MARGIN:
        return None
    rows = list(
        MatchScore.objects.filter(student=user, student_rank__isnull=False)
        .annotate(team_size=seats_taken_subquery("brief_id"))
        .order_by("student_rank")
        .values_list("brief_id", "score", "brief__state", "brief__team_max", "team_size")
    )
    if not rows:
        return None
    return [
        (brief_id, score)
        for brief_id, score, state, team_max, team_size in rows
        if state == BriefState.PUBLISHED and team_size < team_max
    ]


def _live_ranking(
    user: User, filters: RecommendationFilters
) -> tuple[list[tuple[int, float]], PublishedBriefs, StudentBlock]:
    published, students = _student_against(published_briefs(), [user])
    block = published.block
    if not len(students) or not len(block):
        return [], published, students
    keep = np.ones(len(block), np.bool_)
    if filters.need_category:
        keep &= published.need_category == filters.need_category
    if filters.work_mode:
        from ..scoring import WorkMode

        keep &= block.mode == int(WorkMode.from_code(filters.work_mode))
    # Rank only as deep as the filters need: the top 20 costs about 1 ms over 10,000 briefs,
    # ranking them all about 15 ms.
    k = STUDENT_TOP_K if keep.all() else min(len(block), STUDENT_TOP_K * 8)
    while True:
        ranked = recommend_for_student(students, 0, block, k=k)
        chosen = [(r.brief_id, r.score) for r in ranked if keep[r.brief_index]]
        if len(chosen) >= STUDENT_TOP_K or len(ranked) < k or k >= len(block):
            return chosen[:STUDENT_TOP_K], published, students
        k = min(len(block), k * 4)


def covers_a_required_skill(explanation: Explanation | None) -> bool:
    """Whether the student earns credit on at least one of the brief's required skills
    (directly or through a related skill), or the brief requires none. Without it a score
    is made of availability, place and causes alone — 40 points at most, always a "partial
    match" — and the brief is not recommended."""
    if explanation is None:  # the brief vanished since it was ranked: the card drops it too
        return True
    return bool(explanation.skills_covered) or not explanation.skills_missing


def student_recommendations(
    *, user: User, filters: RecommendationFilters, page_number: Any = 1
) -> StudentRecommendations:
    """The student's best open briefs (at most ``STUDENT_TOP_K``), a page of them with their
    explanations. 9–14 queries whatever the number of briefs and students.

    Both paths rank the same top ``STUDENT_TOP_K`` open briefs, then leave out the same
    ones: under the "hide partial matches" threshold, already applied to or joined
    (:func:`brief_ids_taken_by`), covering none of the required skills. So the table and
    the live scoring show the same list, which may hold fewer than ``STUDENT_TOP_K``."""
    from organisations.models import Brief
    from organisations.selectors import briefs_with_card_data

    from .applications import accepted_cap_of, brief_ids_taken_by, enrolments_for_applying

    profile = _profile_with_skill_count(user)
    if profile is None:
        return StudentRecommendations(state=ProfileState.NO_PROFILE)
    if not profile.held:  # type: ignore[attr-defined]
        return StudentRecommendations(state=ProfileState.NO_SKILLS)

    ranked = None if filters.narrows_the_catalogue else _table_rows(user, profile)
    source = "table"
    live: tuple[PublishedBriefs, StudentBlock] | None = None
    if ranked is None:
        ranked, published, students = _live_ranking(user, filters)
        live, source = (published, students), "live"
    taken = brief_ids_taken_by(student=user)
    ranked = [(pk, score) for pk, score in ranked if score >= filters.min_score and pk not in taken]

    # Every remaining pair is explained (at most STUDENT_TOP_K, in a constant number of
    # queries): the skills rule needs it, and the count must agree with the pages.
    ids = [pk for pk, _score in ranked]
    if live is not None:
        published, students = live
        index = {int(b): j for j, b in enumerate(published.block.ids)}
        explanations = {
            (user.pk, pk): explain(students, 0, published.block, index[pk]) for pk in ids
        }
    else:
        explanations = explanations_for([(user.pk, pk) for pk in ids])
    ranked = [
        (pk, score)
        for pk, score in ranked
        if covers_a_required_skill(explanations.get((user.pk, pk)))
    ]

    page = Paginator(ranked, PAGE_SIZE).get_page(page_number)
    shown = [pk for pk, _score in page.object_list]
    briefs = {b.pk: b for b in briefs_with_card_data(Brief.objects.filter(pk__in=shown))}
    items = [
        RecommendedBrief(briefs[pk], score, explanations.get((user.pk, pk)))
        for pk, score in page.object_list
        if pk in briefs
    ]
    return StudentRecommendations(
        state=ProfileState.READY,
        page=page,
        source=source,
        items=items,
        accepted_cap=accepted_cap_of(enrolments_for_applying(student=user)),
    )


# --- "Profils recommandés" for a brief ---------------------------------------------------------


def students_linked_to_organisation(*, organisation: Organisation) -> QuerySet[Any]:
    """User ids of the students of "a cohort working with the organisation": enrolled in an
    active cohort to which one of its briefs is opened (``CohortBrief``), or who applied to
    one of its briefs. They appear in "Profils recommandés" even if their profile is not
    opted in to be visible to organisations (the profile page itself stays closed then)."""
    from accounts.models import User
    from students.models import Enrolment

    cohorts = CohortBrief.objects.filter(brief__organisation=organisation).values("cohort_id")
    return User.objects.filter(
        Exists(Enrolment.objects.active().filter(student=OuterRef("pk"), cohort_id__in=cohorts))
        | Exists(
            Application.objects.filter(student=OuterRef("pk"), brief__organisation=organisation)
        )
    ).values("pk")


@dataclass(frozen=True)
class RecommendedStudent:
    student: User
    score: float
    explanation: Explanation | None
    profile_pk: int | None  # set when the viewer may open the profile page
    linked: bool  # from a cohort working with the organisation
    # Their application to this brief, when it waits for the organisation's answer
    # (submitted or shortlisted): the next step is to answer it.
    application: Application | None = None


@dataclass(frozen=True)
class BriefRecommendations:
    is_open: bool
    page: Page | None = None
    items: list[RecommendedStudent] = field(default_factory=list)
    pending: bool = False  # published after the last batch run: the list fills in shortly

    @property
    def count(self) -> int:
        return self.page.paginator.count if self.page is not None else 0


def _linked_scores(brief: Brief) -> dict[int, float]:
    """Scores of the organisation's linked students for this brief, computed now (they may
    not be in the table: its per-brief lists hold opted-in students only)."""
    from students.models import StudentProfile

    profiles = StudentProfile.objects.filter(
        user__in=students_linked_to_organisation(organisation=brief.organisation),
        user__is_active=True,
    )
    taxonomy = taxonomy_data().taxonomy
    students = student_block(profiles, taxonomy=taxonomy)
    briefs = brief_block([brief.pk], taxonomy=taxonomy)
    if not len(students):
        return {}
    best = top_k_for_briefs(students, briefs, k=min(BRIEF_TOP_K, len(students)))
    return {
        int(students.ids[i]): float(s)
        for i, s in zip(best.indices[0], best.scores[0], strict=True)
        if i >= 0
    }


def _visible_rows(brief: Brief) -> dict[int, float]:
    return dict(
        MatchScore.objects.filter(
            brief=brief,
            brief_rank__isnull=False,
            student__student_profile__visible_to_organisations=True,
            student__is_active=True,
        ).values_list("student_id", "score")
    )


def _decided_and_waiting(brief: Brief) -> tuple[set[int], dict[int, Application]]:
    """Who is no longer a suggestion for the brief — its team, and the students whose
    application to it the organisation declined — and the applications waiting for its
    answer, by student. Applications the organisation has not received (awaiting the
    school's approval) and withdrawn ones change nothing. Two queries."""
    from ..models import ApplicationState
    from ..models.applications import DECIDABLE_STATES

    decided = set(TeamMember.objects.filter(brief=brief).values_list("student_id", flat=True))
    waiting = {}
    for application in Application.objects.filter(
        brief=brief,
        submitted_at__isnull=False,
        state__in=[*DECIDABLE_STATES, ApplicationState.DECLINED],
    ).only("pk", "student_id", "brief_id", "state", "submitted_at"):
        if application.state == ApplicationState.DECLINED:
            decided.add(application.student_id)
        else:
            waiting[application.student_id] = application
    return decided, waiting


def _pending(brief: Brief, rows: dict[int, float]) -> bool:
    if rows:
        return False
    last = last_recompute_start()
    return last is None or brief.updated_at > last - CHANGE_MARGIN


def brief_recommendations(
    *, brief: Brief, viewer: User, roles: Roles | None = None, page_number: Any = 1
) -> BriefRecommendations:
    """Students to suggest for a brief, best first: the stored top students who opted in to
    be visible, and the students of cohorts working with the organisation (scored now),
    less its team and those it declined; an applicant waiting for an answer comes with
    their application. The caller has checked that ``viewer`` belongs to the brief's
    organisation."""
    from accounts.models import User
    from organisations.workflow import BriefState
    from students.models import StudentProfile, StudentSkill

    if brief.state != BriefState.PUBLISHED:
        return BriefRecommendations(is_open=False)
    visible = _visible_rows(brief)
    linked = _linked_scores(brief)
    decided, waiting = _decided_and_waiting(brief)
    merged = {pk: s for pk, s in {**visible, **linked}.items() if pk not in decided}
    ranked = sorted(merged.items(), key=lambda item: (-item[1], item[0]))
    page = Paginator(ranked, PAGE_SIZE).get_page(page_number)
    ids = [pk for pk, _score in page.object_list]
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=ids)
        .select_related("student_profile")
        .prefetch_related(
            Prefetch(
                "student_profile__skills",
                queryset=StudentSkill.objects.held()
                .select_related("skill")
                .order_by("-level", "skill__name_fr"),
            )
        )
    }
    may_open = dict(
        StudentProfile.objects.visible_to(viewer, roles=roles)
        .filter(user_id__in=ids)
        .values_list("user_id", "pk")
    )
    explanations = explanations_for([(pk, brief.pk) for pk in ids])
    items = [
        RecommendedStudent(
            student=users[pk],
            score=score,
            explanation=explanations.get((pk, brief.pk)),
            profile_pk=may_open.get(pk),
            linked=pk in linked,
            application=waiting.get(pk),
        )
        for pk, score in page.object_list
        if pk in users
    ]
    return BriefRecommendations(
        is_open=True, page=page, items=items, pending=_pending(brief, visible)
    )
