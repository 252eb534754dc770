"""Reads of the cohort allocation: which cohorts and briefs, the engine's input built from
the database, a proposal as staff review it, the effect of moving one student, and what
students and organisations may see (nothing of a proposal before it is published).

The engine (``matching.allocation``) works on plain ids; here a student's id is their user
id, a brief's its pk and an organisation's its pk, all as strings.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When

from accounts.models import User
from organisations.models import Brief, Organisation
from organisations.selectors import briefs_with_card_data
from organisations.workflow import BriefState
from students.models import ApplicationPolicy, Cohort, Enrolment

from ..allocation import (
    AllocationInstance,
    Evaluation,
    InstanceError,
    UnplacedReason,
    evaluate,
    parse_instance,
)
from ..models import AllocationRun, CohortBrief, OrganisationRanking, SavedBrief, TeamMember
from ..models.applications import MAX_FAVOURITES

#: How many briefs a student ranks for the allocation: their favourites among the briefs
#: opened to the cohort.
MAX_CHOICES = MAX_FAVOURITES
#: Scores are stored with one decimal: enough to order pairs, a quarter of the JSON.
SCORE_DECIMALS = 1
#: Published briefs offered when staff search the catalogue to open one to their cohort.
SEARCH_LIMIT = 20


# --- Which cohorts ----------------------------------------------------------------------


def allocation_cohorts_for_staff(*, user: Any) -> QuerySet[Cohort]:
    """Cohorts allocated by staff, of the schools where ``user`` is staff: the scope of every
    staff page of the allocation (anything else is a 404)."""
    return (
        Cohort.objects.visible_to(user)
        .filter(application_policy=ApplicationPolicy.ALLOCATION)
        .select_related("school")
    )


def allocation_cohorts_of_student(*, user: Any) -> QuerySet[Cohort]:
    """Allocated cohorts the student is enrolled in."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.filter(
        application_policy=ApplicationPolicy.ALLOCATION, enrolments__student=user
    ).select_related("school")


def published_run(*, cohort: Cohort) -> AllocationRun | None:
    return AllocationRun.objects.filter(cohort=cohort, state=AllocationRun.State.PUBLISHED).first()


def latest_run(*, cohort: Cohort) -> AllocationRun | None:
    """The run staff are working with: the published one, else the newest (one query)."""
    published_first = Case(When(state=AllocationRun.State.PUBLISHED, then=0), default=1)
    return (
        AllocationRun.objects.filter(cohort=cohort)
        .exclude(state=AllocationRun.State.DISCARDED)
        .order_by(published_first, "-created_at", "-pk")
        .first()
    )


# --- Briefs opened to a cohort ----------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """A brief opened to the cohort, with the seats it offers and how popular it is."""

    opening: CohortBrief
    brief: Brief
    taken: int  # seats already taken in its team (accepted applications, other cohorts)
    capacity: int  # seats the allocation may fill
    listed_by: int  # students of the cohort who ranked it
    first_choice_of: int  # … as their first choice among the briefs opened to the cohort


def seats_for(*, team_max: int, taken: int, cohort_capacity: int | None) -> int:
    """Seats the allocation may fill on a brief: what staff offered the cohort (the brief's
    largest team when they said nothing), never more than the team still has."""
    free = max(0, team_max - taken)
    return free if cohort_capacity is None else min(cohort_capacity, free)


def min_team_for(*, team_min: int, taken: int, capacity: int) -> int:
    """A brief's minimum for the allocation: what its team still lacks, within its seats."""
    return min(max(0, team_min - taken), capacity)


def organisation_capacity_for(*, seats: int, limit: int | None) -> int:
    """How many students of the cohort an organisation may take: the seats of its briefs
    opened to the cohort, or fewer if it set a limit of its own (``OrganisationRanking``)."""
    return seats if limit is None else min(seats, limit)


def cohort_openings(
    *, cohort: Cohort, choices: Mapping[int, list[int]] | None = None
) -> list[Opening]:
    """The briefs opened to the cohort, in title order: two queries (one if ``choices``,
    from ``choices_by_student``, is given)."""
    from .applications import seats_taken_subquery

    rows = list(
        CohortBrief.objects.filter(cohort=cohort)
        .select_related("brief__organisation")
        .annotate(taken=seats_taken_subquery("brief_id"))
        .order_by("brief__title", "pk")
    )
    if choices is None:
        choices = choices_by_student(cohort=cohort, brief_ids=[row.brief_id for row in rows])
    listed, first = _choice_counts(choices)
    return [
        Opening(
            opening=row,
            brief=row.brief,
            taken=row.taken,  # type: ignore[attr-defined]
            capacity=seats_for(
                team_max=row.brief.team_max,
                taken=row.taken,  # type: ignore[attr-defined]
                cohort_capacity=row.capacity,
            )
            if row.brief.state == BriefState.PUBLISHED
            else 0,
            listed_by=listed[row.brief_id],
            first_choice_of=first[row.brief_id],
        )
        for row in rows
    ]


def _enrolled(cohort: Cohort) -> QuerySet[Enrolment, Any]:
    return Enrolment.objects.filter(cohort=cohort).values("student_id")


def choices_by_student(*, cohort: Cohort, brief_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each enrolled student's ranked favourites among ``brief_ids``, best first (one query;
    students who ranked none are absent)."""
    choices: dict[int, list[int]] = defaultdict(list)
    rows = (
        SavedBrief.objects.filter(
            student_id__in=_enrolled(cohort),
            brief_id__in=brief_ids if isinstance(brief_ids, QuerySet) else list(brief_ids),
            rank__isnull=False,
        )
        .order_by("student_id", "rank")
        .values_list("student_id", "brief_id")
    )
    for student_id, brief_id in rows:
        if len(choices[student_id]) < MAX_CHOICES:
            choices[student_id].append(brief_id)
    return dict(choices)


def _choice_counts(choices: Mapping[int, list[int]]) -> tuple[Counter[int], Counter[int]]:
    listed: Counter[int] = Counter()
    first: Counter[int] = Counter()
    for ranked in choices.values():
        listed.update(ranked)
        first[ranked[0]] += 1
    return listed, first


@dataclass(frozen=True)
class ChoicesOverview:
    students: int
    with_choices: int
    without_choices: list[User]  # the first few, for staff to remind them

    @property
    def missing(self) -> int:
        return self.students - self.with_choices


def choices_overview(
    *, cohort: Cohort, choices: Mapping[int, list[int]], show: int = 20
) -> ChoicesOverview:
    """How many students have ranked at least one opened brief (``choices``, from
    ``choices_by_student``); who has not (two queries)."""
    enrolled = Enrolment.objects.filter(cohort=cohort)
    students = enrolled.count()
    without = list(
        User.objects.filter(pk__in=enrolled.values("student_id"))
        .exclude(pk__in=list(choices))
        .order_by("last_name", "first_name", "pk")[:show]
    )
    return ChoicesOverview(students=students, with_choices=len(choices), without_choices=without)


def briefs_to_open(*, cohort: Cohort, query: str = "") -> list[Brief]:
    """Published briefs not yet opened to the cohort, matching ``query`` (title, organisation
    or city), soonest start first; at most ``SEARCH_LIMIT``."""
    briefs = Brief.objects.published().exclude(cohort_openings__cohort=cohort)
    for word in query.split()[:5]:
        briefs = briefs.filter(
            Q(title__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(city__icontains=word)
        )
    return list(
        briefs.select_related("organisation").order_by("start_date", "title", "pk")[:SEARCH_LIMIT]
    )


# --- The engine's input, from the database ---------------------------------------------


def merge_ranking(stored: Sequence[int], scores: Mapping[int, float]) -> list[int]:
    """An organisation's order of its candidates: the order it saved (``stored``), with the
    candidates it has not ordered yet merged in by score, best first.

    ``scores`` holds every candidate (student id → their best score on the organisation's
    briefs they listed). Students of ``stored`` who are no longer candidates drop out. A new
    candidate goes before the first saved one with a lower score, so a student who listed
    the organisation after it reordered is neither buried at the end nor moved above people
    the organisation put first on purpose. Ties keep the saved student first, then the lower
    id."""
    kept = [sid for sid in dict.fromkeys(stored) if sid in scores]
    known = set(kept)
    fresh = sorted((sid for sid in scores if sid not in known), key=lambda s: (-scores[s], s))
    merged: list[int] = []
    i = j = 0
    while i < len(kept) and j < len(fresh):
        if scores[fresh[j]] > scores[kept[i]]:
            merged.append(fresh[j])
            j += 1
        else:
            merged.append(kept[i])
            i += 1
    return merged + kept[i:] + fresh[j:]


def pair_scores(
    *, student_ids: Sequence[int], brief_ids: Sequence[int], fresh: bool = True
) -> dict[tuple[int, int], float]:
    """The match score of every (student, brief) pair, from the scoring engine, 0 when the
    engine excludes the pair (no shared day, brief full) or the student has no profile.

    A student who listed a brief is a candidate for it whatever the score says: the score
    only orders candidates and weighs the welfare mode."""
    from ..engine_data import brief_block, student_block, taxonomy_data
    from ..scoring import score_pairs

    if not student_ids or not brief_ids:
        return {}
    # The job reads the taxonomy afresh (a skill added minutes ago must count); pages may
    # use the cached one.
    taxonomy = taxonomy_data(refresh=fresh).taxonomy
    students = student_block(list(student_ids), taxonomy=taxonomy)
    briefs = brief_block(list(brief_ids), taxonomy=taxonomy)
    matrix = score_pairs(students, briefs) if len(students) and len(briefs) else None
    scores = {}
    if matrix is not None:
        for i, sid in enumerate(students.ids):
            row = matrix[i]
            for j, bid in enumerate(briefs.ids):
                value = row[j]
                scores[(int(sid), int(bid))] = (
                    0.0 if math.isnan(value) else round(float(value), SCORE_DECIMALS)
                )
    return scores


def allocation_input(
    *,
    cohort: Cohort,
    min_teams: bool,
    scores: Mapping[tuple[int, int], float] | None = None,
) -> dict[str, Any]:
    """The engine's instance for the cohort, in the command-line JSON format of
    docs/allocation.md (plus ``options``), from the database as it is now: five queries,
    plus the scoring engine's unless ``scores`` (student id, brief id → score) are given.

    - Students: everyone enrolled; preferences: their ranked favourites among the published
      briefs opened to the cohort (at most ``MAX_CHOICES``), minus briefs whose team they
      are already in.
    - Briefs: published ones opened to the cohort; capacity ``seats_for``; minimum team
      ``min_team_for`` when ``min_teams`` is asked for (welfare mode), else 0.
    - Organisations: capacity = the sum of their opened briefs' capacities, or the limit
      the organisation set for the cohort if smaller (``organisation_capacity_for``);
      ranking = ``merge_ranking`` of their saved order and the candidates' scores.
    - Scores: every (student, opened brief) pair, so a hand move to a brief the student did
      not list is scored too.
    """
    from .applications import seats_taken_subquery

    student_ids = list(
        _enrolled(cohort).order_by("student_id").values_list("student_id", flat=True)
    )
    openings = list(
        CohortBrief.objects.filter(cohort=cohort, brief__state=BriefState.PUBLISHED)
        .select_related("brief")
        .annotate(taken=seats_taken_subquery("brief_id"))
        .order_by("brief_id")
    )
    brief_ids = [o.brief_id for o in openings]
    in_team = set(
        TeamMember.objects.filter(student_id__in=student_ids, brief_id__in=brief_ids).values_list(
            "student_id", "brief_id"
        )
    )
    choices = {
        sid: [bid for bid in ranked if (sid, bid) not in in_team]
        for sid, ranked in choices_by_student(cohort=cohort, brief_ids=brief_ids).items()
    }
    if scores is None:
        scores = pair_scores(student_ids=student_ids, brief_ids=brief_ids)

    briefs = []
    org_seats: Counter[int] = Counter()
    org_of: dict[int, int] = {}
    for o in openings:
        capacity = seats_for(team_max=o.brief.team_max, taken=o.taken, cohort_capacity=o.capacity)  # type: ignore[attr-defined]
        min_team = (
            min_team_for(team_min=o.brief.team_min, taken=o.taken, capacity=capacity)  # type: ignore[attr-defined]
            if min_teams
            else 0
        )
        org_of[o.brief_id] = o.brief.organisation_id
        org_seats[o.brief.organisation_id] += capacity
        briefs.append(
            {
                "id": str(o.brief_id),
                "organisation": str(o.brief.organisation_id),
                "capacity": capacity,
                "min_team": min_team,
            }
        )

    candidates: dict[int, dict[int, float]] = defaultdict(dict)  # org → student → best score
    for sid, ranked in choices.items():
        for bid in ranked:
            org = org_of[bid]
            score = scores.get((sid, bid), 0.0)
            candidates[org][sid] = max(score, candidates[org].get(sid, 0.0))
    saved = {
        org: (student_ids, limit)
        for org, student_ids, limit in OrganisationRanking.objects.filter(
            cohort=cohort, organisation_id__in=list(org_seats)
        ).values_list("organisation_id", "student_ids", "capacity")
    }
    organisations = []
    for org, seats in sorted(org_seats.items()):
        order, limit = saved.get(org, ([], None))
        ranking = merge_ranking(_ints(order), candidates.get(org, {}))
        organisations.append(
            {
                "id": str(org),
                "capacity": organisation_capacity_for(seats=seats, limit=limit),
                "ranking": [str(sid) for sid in ranking],
            }
        )
    return {
        "students": [
            {"id": str(sid), "preferences": [str(bid) for bid in choices.get(sid, [])]}
            for sid in student_ids
        ],
        "briefs": briefs,
        "organisations": organisations,
        "scores": {
            str(sid): {str(bid): scores.get((sid, bid), 0.0) for bid in brief_ids}
            for sid in student_ids
        },
        "options": {"min_teams": min_teams},
    }


def _ints(values: Iterable[Any]) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


# --- Whether a proposal was computed on data that has changed ----------------------------


@dataclass(frozen=True)
class Staleness:
    """What differs between a run's snapshot and the engine's input rebuilt now. Each part
    is judged on what both sides share, so one change is not reported three times (a brief
    withdrawn is a change of the offer, not of every choice and ranking that held it)."""

    joined: int = 0  # students enrolled since, not in the run
    left: int = 0  # students of the run no longer enrolled
    choices: bool = False  # a student's ranked choices (their order counts)
    offer: bool = False  # a brief opened to the cohort, withdrawn, or no longer published
    capacities: bool = False  # a brief's seats or minimum team, an organisation's capacity
    rankings: bool = False  # an organisation's order of its candidates

    @property
    def stale(self) -> bool:
        return bool(
            self.joined
            or self.left
            or self.choices
            or self.offer
            or self.capacities
            or self.rankings
        )


def _kept(ids: Iterable[str], among: set[str]) -> list[str]:
    return [i for i in ids if i in among]


def instance_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> Staleness:
    """Compare two engine inputs (``allocation_input``'s format). Lists keyed by id are
    compared as sets; preferences and rankings keep their order, which carries meaning.
    Scores are not compared: see ``allocation_staleness``."""
    prefs_before = {s["id"]: s["preferences"] for s in before.get("students", [])}
    prefs_after = {s["id"]: s["preferences"] for s in after.get("students", [])}
    briefs_before = {b["id"]: b for b in before.get("briefs", [])}
    briefs_after = {b["id"]: b for b in after.get("briefs", [])}
    orgs_before = {o["id"]: o for o in before.get("organisations", [])}
    orgs_after = {o["id"]: o for o in after.get("organisations", [])}

    students = prefs_before.keys() & prefs_after.keys()
    briefs = briefs_before.keys() & briefs_after.keys()
    organisations = orgs_before.keys() & orgs_after.keys()
    return Staleness(
        joined=len(prefs_after.keys() - prefs_before.keys()),
        left=len(prefs_before.keys() - prefs_after.keys()),
        choices=any(
            _kept(prefs_before[s], briefs) != _kept(prefs_after[s], briefs) for s in students
        ),
        offer=briefs_before.keys() != briefs_after.keys(),
        capacities=any(
            (briefs_before[b]["capacity"], briefs_before[b]["min_team"])
            != (briefs_after[b]["capacity"], briefs_after[b]["min_team"])
            for b in briefs
        )
        or any(orgs_before[o]["capacity"] != orgs_after[o]["capacity"] for o in organisations),
        rankings=any(
            _kept(orgs_before[o]["ranking"], set(orgs_after[o]["ranking"]))
            != _kept(orgs_after[o]["ranking"], set(orgs_before[o]["ranking"]))
            for o in organisations
        ),
    )


def allocation_staleness(*, run: AllocationRun) -> Staleness:
    """Whether the database has changed since ``run`` took its snapshot: the engine's input
    rebuilt as the job built it, compared with ``run.instance``. Five queries whatever the
    cohort's size (load ``run.cohort`` with the run).

    The rebuild reuses the run's own scores instead of scoring again: scoring reads every
    profile (seven more queries and the engine's time on each page view), and a score also
    moves with the calendar and with profile edits that staff cannot act on. With the same
    scores, an organisation's merged ranking changes only if its saved order or its
    candidates did."""
    scores = {
        (int(sid), int(bid)): value
        for sid, row in run.instance.get("scores", {}).items()
        for bid, value in row.items()
    }
    now = allocation_input(
        cohort=run.cohort,
        min_teams=bool(run.instance.get("options", {}).get("min_teams")),
        scores=scores,
    )
    return instance_changes(run.instance, now)


# --- A proposal as staff review it ------------------------------------------------------


def unplaced_reason_text(code: UnplacedReason | str) -> str:
    """The engine's reason code for an unplaced student, in words for staff."""
    from django.utils.translation import gettext as _

    texts = {
        "no_preferences": _("Ranked none of the projects opened to the cohort."),
        "all_choices_full": _("Every project they ranked is full."),
        "choices_not_opened": _(
            "The projects they ranked that had room stayed below their minimum team."
        ),
        "left_out": _("A project they ranked still has room (after a move by hand)."),
    }
    return texts.get(code, "")


def run_error_text(run: AllocationRun) -> str:
    """Why a run failed, in words for staff (``run.error`` holds a code)."""
    from django.utils.translation import gettext as _

    code, _sep, detail = run.error.partition(": ")
    if code == "interrupted":
        return _("The computation was interrupted. Run it again.")
    if code == "invalid_instance":
        return _("The cohort's data could not be allocated (%(detail)s). Contact us.") % {
            "detail": detail
        }
    return _("The computation failed. Run it again; if it fails again, contact us.")


@dataclass
class StudentRow:
    student: User
    brief_id: int | None
    rank: int | None  # 1 = first choice; None if unplaced or on a brief they did not list
    score: float | None
    choices: list[int]  # brief ids, best first
    choice_briefs: list[Brief] = field(default_factory=list)
    reason: str = ""  # why they are unplaced, in words

    @property
    def unlisted(self) -> bool:
        return self.brief_id is not None and self.rank is None


@dataclass
class Team:
    brief: Brief
    capacity: int
    min_team: int
    members: list[StudentRow] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def over_capacity(self) -> bool:
        return self.size > self.capacity

    @property
    def under_minimum(self) -> bool:
        return 0 < self.size < self.min_team

    @property
    def closed(self) -> bool:
        """The brief left the published state since the run (started, cancelled…):
        publishing with students on it is refused."""
        return self.brief.state != BriefState.PUBLISHED


@dataclass
class OrganisationLoad:
    """The students an organisation gets in a proposal, against what the engine allowed it
    (``organisation_capacity_for``: its briefs' seats, or its own smaller limit)."""

    organisation: Organisation
    capacity: int
    seats: int  # its briefs' seats in the run
    size: int = 0

    @property
    def limited(self) -> bool:
        """It set a limit below its seats. Without one, going over it means a team is
        over its seats, which the page already says."""
        return self.capacity < self.seats

    @property
    def over_capacity(self) -> bool:
        return self.limited and self.size > self.capacity


@dataclass
class BlockingPair:
    student: User
    brief: Brief


@dataclass
class Proposal:
    """A run's assignment (as staff left it) with everything its page shows."""

    run: AllocationRun
    instance: AllocationInstance
    evaluation: Evaluation
    teams: list[Team]
    organisations: dict[int, OrganisationLoad]
    unplaced: list[StudentRow]
    rows: dict[int, StudentRow]
    briefs: dict[int, Brief]
    moved: int  # students whose brief differs from the engine's proposal
    blocking: list[BlockingPair]

    @property
    def students(self) -> int:
        return self.instance.n_students

    @property
    def engine(self) -> Mapping[str, Any]:
        return self.run.result

    @property
    def stable_mode(self) -> bool:
        return self.run.mode == AllocationRun.Mode.STABLE

    @property
    def under_minimum(self) -> list[Team]:
        return [team for team in self.teams if team.under_minimum]

    @property
    def over_capacity(self) -> list[Team]:
        return [team for team in self.teams if team.over_capacity]

    @property
    def closed_with_members(self) -> list[Team]:
        """Teams whose brief is no longer published but still holds students: what stops
        the publication, said before staff press the button."""
        return [team for team in self.teams if team.closed and team.members]

    @property
    def organisations_over_capacity(self) -> list[OrganisationLoad]:
        return sorted(
            (load for load in self.organisations.values() if load.over_capacity),
            key=lambda load: (load.organisation.name, load.organisation.pk),
        )

    @property
    def gap_percent(self) -> float | None:
        """Welfare mode stopped at its time limit: how far below the proven bound, in %."""
        gap = self.engine.get("optimality_gap")
        return round(100 * gap, 1) if gap else None

    @property
    def score_change(self) -> float | None:
        before = self.engine.get("total_score")
        after = self.evaluation.total_score
        if before is None or after is None:
            return None
        return round(after - before, SCORE_DECIMALS)


def run_instance(run: AllocationRun) -> AllocationInstance:
    """The engine's instance a run was computed on (stored with it)."""
    return parse_instance(run.instance)


def _brief_id(value: str | None) -> int | None:
    return int(value) if value else None


def _score(
    instance: AllocationInstance, data: Mapping[str, Any], sid: str, bid: str | None
) -> float | None:
    if bid is None:
        return None
    return data.get("scores", {}).get(sid, {}).get(bid)


def allocation_proposal(*, run: AllocationRun) -> Proposal:
    """Everything the proposal page shows but ``allocation_staleness``, in two queries
    whatever the cohort's size."""
    instance = run_instance(run)
    evaluation = evaluate(instance, run.assignment)
    proposed = run.result.get("assignment", {})
    brief_ids = [int(b) for b in instance.brief_ids]
    briefs = {
        b.pk: b for b in Brief.objects.filter(pk__in=brief_ids).select_related("organisation")
    }
    student_ids = [int(s) for s in instance.student_ids]
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=student_ids).only(
            "pk", "email", "first_name", "last_name"
        )
    }
    teams = {
        int(bid): Team(
            brief=briefs[int(bid)],
            capacity=int(instance.brief_capacity[b]),
            min_team=int(instance.brief_min_team[b]),
        )
        for b, bid in enumerate(instance.brief_ids)
        if int(bid) in briefs
    }
    rows: dict[int, StudentRow] = {}
    unplaced = []
    moved = 0
    for s, sid in enumerate(instance.student_ids):
        user = users.get(int(sid))
        if user is None:  # the account was deleted since the run
            continue
        bid = run.assignment.get(sid)
        if bid != proposed.get(sid):
            moved += 1
        lo, hi = int(instance.pref_ptr[s]), int(instance.pref_ptr[s + 1])
        row = StudentRow(
            student=user,
            brief_id=_brief_id(bid),
            rank=evaluation.ranks.get(sid),
            score=_score(instance, run.instance, sid, bid),
            choices=[int(instance.brief_ids[b]) for b in instance.pref_brief[lo:hi].tolist()],
        )
        row.choice_briefs = [briefs[b] for b in row.choices if b in briefs]
        rows[user.pk] = row
        team = teams.get(row.brief_id) if row.brief_id is not None else None
        if team is not None:
            team.members.append(row)
        else:
            row.reason = unplaced_reason_text(evaluation.unplaced_reasons.get(sid, ""))
            unplaced.append(row)
    for team in teams.values():
        team.members.sort(
            key=lambda r: (r.rank or MAX_CHOICES + 1, r.student.last_name, r.student.pk)
        )
    unplaced.sort(key=lambda r: (r.student.last_name, r.student.first_name, r.student.pk))
    organisations = _organisation_loads(instance, teams.values())
    blocking = [
        BlockingPair(student=users[int(sid)], brief=briefs[int(bid)])
        for sid, bid in evaluation.blocking_pairs
        if int(sid) in users and int(bid) in briefs
    ]
    return Proposal(
        run=run,
        instance=instance,
        evaluation=evaluation,
        teams=sorted(teams.values(), key=lambda t: (t.brief.title, t.brief.pk)),
        organisations=organisations,
        unplaced=unplaced,
        rows=rows,
        briefs=briefs,
        moved=moved,
        blocking=blocking,
    )


def _organisation_loads(
    instance: AllocationInstance, teams: Iterable[Team]
) -> dict[int, OrganisationLoad]:
    """Each organisation of the run with a brief still there, by pk."""
    seats: Counter[int] = Counter()
    for b, o in enumerate(instance.brief_organisation_list):
        seats[o] += instance.brief_capacity_list[b]
    loads: dict[int, OrganisationLoad] = {}
    for team in teams:
        o = _organisation_index(instance, team.brief.pk)
        load = loads.setdefault(
            int(instance.organisation_ids[o]),
            OrganisationLoad(
                organisation=team.brief.organisation,
                capacity=instance.organisation_capacity_list[o],
                seats=seats[o],
            ),
        )
        load.size += team.size
    return loads


def _organisation_index(instance: AllocationInstance, brief_id: int) -> int:
    """The position of a brief's organisation in the run's instance."""
    return instance.brief_organisation_list[instance.brief_index[str(brief_id)]]


def _organisation_of(instance: AllocationInstance, brief_id: int) -> int:
    """The pk of a brief's organisation in the run."""
    return int(instance.organisation_ids[_organisation_index(instance, brief_id)])


@dataclass
class MoveEffect:
    """What moving one student changes, for staff to see before they confirm."""

    row: StudentRow
    target: Brief | None
    before: Evaluation
    after: Evaluation
    score_after: float | None
    rank_after: int | None
    target_team: Team | None
    source_team: Team | None
    target_organisation: OrganisationLoad | None
    joins_organisation: bool  # the student comes from outside the target's organisation
    new_blocking: list[BlockingPair]
    resolved_blocking: int

    @property
    def unchanged(self) -> bool:
        return self.row.brief_id == (self.target.pk if self.target else None)

    @property
    def total_before(self) -> float | None:
        return self.before.total_score

    @property
    def total_after(self) -> float | None:
        return self.after.total_score

    @property
    def total_change(self) -> float | None:
        if self.before.total_score is None or self.after.total_score is None:
            return None
        return round(self.after.total_score - self.before.total_score, SCORE_DECIMALS)

    @property
    def target_size_after(self) -> int:
        return (self.target_team.size + (0 if self.unchanged else 1)) if self.target_team else 0

    @property
    def source_size_after(self) -> int:
        return (self.source_team.size - (0 if self.unchanged else 1)) if self.source_team else 0

    @property
    def target_over_capacity(self) -> bool:
        return self.target_team is not None and self.target_size_after > self.target_team.capacity

    @property
    def organisation_size_after(self) -> int:
        load = self.target_organisation
        return (load.size + (1 if self.joins_organisation else 0)) if load else 0

    @property
    def target_organisation_over_capacity(self) -> bool:
        """The move takes the organisation over the limit it set (staff may still publish:
        it is the organisation's word, not a team's seats)."""
        load = self.target_organisation
        return load is not None and load.limited and self.organisation_size_after > load.capacity

    @property
    def source_under_minimum(self) -> bool:
        return (
            self.source_team is not None and 0 < self.source_size_after < self.source_team.min_team
        )


def move_effect(*, proposal: Proposal, student_id: int, brief_id: int | None) -> MoveEffect:
    """The effect of moving ``student_id`` to ``brief_id`` (None: unplaced) in ``proposal``.
    No query: the proposal holds everything."""
    row = proposal.rows[student_id]
    target = proposal.briefs.get(brief_id) if brief_id is not None else None
    if brief_id is not None and target is None:
        raise InstanceError(f"unknown brief {brief_id}")
    assignment = dict(proposal.run.assignment)
    sid = str(student_id)
    assignment[sid] = str(brief_id) if brief_id is not None else None
    after = evaluate(proposal.instance, assignment)
    before_pairs = set(proposal.evaluation.blocking_pairs)
    after_pairs = set(after.blocking_pairs)
    users = {r.student.pk: r.student for r in proposal.rows.values()}
    new_blocking = [
        BlockingPair(student=users[int(s)], brief=proposal.briefs[int(b)])
        for s, b in sorted(after_pairs - before_pairs)
        if int(s) in users and int(b) in proposal.briefs
    ]
    teams = {team.brief.pk: team for team in proposal.teams}
    target_org = _organisation_of(proposal.instance, brief_id) if brief_id is not None else None
    source_org = (
        _organisation_of(proposal.instance, row.brief_id) if row.brief_id is not None else None
    )
    return MoveEffect(
        row=row,
        target=target,
        before=proposal.evaluation,
        after=after,
        score_after=_score(proposal.instance, proposal.run.instance, sid, assignment[sid]),
        rank_after=after.ranks.get(sid),
        target_team=teams.get(brief_id) if brief_id is not None else None,
        source_team=teams.get(row.brief_id) if row.brief_id is not None else None,
        target_organisation=None if target_org is None else proposal.organisations.get(target_org),
        joins_organisation=target_org is not None and target_org != source_org,
        new_blocking=new_blocking,
        resolved_blocking=len(before_pairs - after_pairs),
    )


# --- Organisations' rankings ------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A student who ranked one of the organisation's briefs opened to the cohort."""

    student: User
    score: float  # their best score on those briefs
    briefs: list[Brief]  # those briefs, in the student's order


def organisation_openings(*, cohort: Cohort, organisation: Organisation) -> list[Brief]:
    return list(
        Brief.objects.filter(
            cohort_openings__cohort=cohort,
            organisation=organisation,
            state=BriefState.PUBLISHED,
        ).order_by("title", "pk")
    )


def organisation_candidates(
    *, cohort: Cohort, organisation: Organisation, briefs: Sequence[Brief] | None = None
) -> list[Candidate]:
    """The organisation's candidates in the cohort, in the order the allocation will use
    (``merge_ranking`` of its saved order and the match scores). A constant number of
    queries."""
    briefs = (
        list(briefs)
        if briefs is not None
        else organisation_openings(cohort=cohort, organisation=organisation)
    )
    own = {brief.pk: brief for brief in briefs}
    opened = CohortBrief.objects.filter(
        cohort=cohort, brief__state=BriefState.PUBLISHED
    ).values_list("brief_id", flat=True)
    listed = {
        sid: [bid for bid in ranked if bid in own]
        for sid, ranked in choices_by_student(cohort=cohort, brief_ids=list(opened)).items()
    }
    listed = {sid: ranked for sid, ranked in listed.items() if ranked}
    scores = pair_scores(student_ids=sorted(listed), brief_ids=sorted(own), fresh=False)
    best = {
        sid: max(scores.get((sid, bid), 0.0) for bid in ranked) for sid, ranked in listed.items()
    }
    stored = (
        OrganisationRanking.objects.filter(cohort=cohort, organisation=organisation)
        .values_list("student_ids", flat=True)
        .first()
    )
    order = merge_ranking(_ints(stored or []), best)
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=order).only("pk", "email", "first_name", "last_name")
    }
    return [
        Candidate(student=users[sid], score=best[sid], briefs=[own[bid] for bid in listed[sid]])
        for sid in order
        if sid in users
    ]


@dataclass(frozen=True)
class OrganisationCapacity:
    """How many students of the cohort an organisation can host."""

    seats: int  # what its published briefs opened to the cohort offer (``seats_for``)
    limit: int | None  # the total it set for the cohort, if any

    @property
    def capacity(self) -> int:
        return organisation_capacity_for(seats=self.seats, limit=self.limit)


def organisation_capacity(*, cohort: Cohort, organisation: Organisation) -> OrganisationCapacity:
    """Its seats and its own limit for the cohort, as ``allocation_input`` reads them (two
    queries)."""
    from .applications import seats_taken_subquery

    openings = (
        CohortBrief.objects.filter(
            cohort=cohort, brief__organisation=organisation, brief__state=BriefState.PUBLISHED
        )
        .annotate(taken=seats_taken_subquery("brief_id"))
        .values_list("brief__team_max", "taken", "capacity")
    )
    seats = sum(
        seats_for(team_max=team_max, taken=taken, cohort_capacity=capacity)
        for team_max, taken, capacity in openings
    )
    limit = (
        OrganisationRanking.objects.filter(cohort=cohort, organisation=organisation)
        .values_list("capacity", flat=True)
        .first()
    )
    return OrganisationCapacity(seats=seats, limit=limit)


def organisation_cohorts(*, organisation: Organisation) -> QuerySet[Cohort]:
    """Allocated cohorts to which one of the organisation's briefs is opened: what its
    members may see of them (its candidates before publication, its teams after)."""
    return (
        Cohort.objects.filter(
            application_policy=ApplicationPolicy.ALLOCATION,
            opened_briefs__brief__organisation=organisation,
        )
        .select_related("school")
        .distinct()
    )


def openings_of_brief(*, brief: Brief) -> list[CohortBrief]:
    """The allocated cohorts a brief is opened to (for its organisation's members), each
    with ``published``: whether the cohort's allocation is published. One query."""
    published = AllocationRun.objects.filter(
        cohort=OuterRef("cohort"), state=AllocationRun.State.PUBLISHED
    )
    return list(
        CohortBrief.objects.filter(
            brief=brief, cohort__application_policy=ApplicationPolicy.ALLOCATION
        )
        .annotate(published=Exists(published))
        .select_related("cohort__school")
        .order_by("cohort__starts_on", "cohort__name", "pk")
    )


@dataclass
class PlacedTeam:
    brief: Brief
    members: list[User]


def published_teams(
    *, run: AllocationRun, organisation: Organisation | None = None
) -> list[PlacedTeam]:
    """The teams a published allocation formed (of one organisation's briefs if given), read
    from the seats it created: two queries."""
    members = TeamMember.objects.filter(allocation=run).select_related("student", "brief")
    if organisation is not None:
        members = members.filter(brief__organisation=organisation)
    teams: dict[int, PlacedTeam] = {}
    for member in members.order_by("brief__title", "brief_id", "seat"):
        team = teams.setdefault(member.brief_id, PlacedTeam(brief=member.brief, members=[]))
        team.members.append(member.student)
    return list(teams.values())


# --- What a student sees ----------------------------------------------------------------


@dataclass
class StudentChoices:
    """A student's side of the allocation before publication."""

    cohort: Cohort
    choices: list[Brief]  # their favourites among the briefs opened to the cohort, best first
    others: list[Brief]  # the other opened briefs, best match first
    outside: list[Brief]  # favourites not opened to the cohort (they do not count)
    explanations: dict[int, Any]  # brief id → the engine's Explanation for this student
    ranked_total: int

    @property
    def slots_left(self) -> int:
        return max(0, MAX_FAVOURITES - self.ranked_total)


def student_choices(*, cohort: Cohort, student: User) -> StudentChoices:
    """The opened briefs with the student's score and explanation, split into their ranked
    choices and the rest. A constant number of queries (about ten)."""
    from ..engine_data import explanations_for

    opened = {
        b.pk: b
        for b in briefs_with_card_data(
            Brief.objects.filter(cohort_openings__cohort=cohort, state=BriefState.PUBLISHED)
        )
    }
    ranked = list(
        SavedBrief.objects.filter(student=student, rank__isnull=False)
        .order_by("rank")
        .values_list("brief_id", flat=True)
    )
    chosen = [pk for pk in ranked if pk in opened][:MAX_CHOICES]
    outside_ids = [pk for pk in ranked if pk not in opened]
    explanations = {
        brief_id: explanation
        for (_sid, brief_id), explanation in explanations_for(
            [(student.pk, pk) for pk in opened]
        ).items()
    }

    def score(pk: int) -> float:
        explanation = explanations.get(pk)
        return (
            explanation.score if explanation is not None and explanation.score is not None else -1.0
        )

    for pk, brief in opened.items():
        brief.explanation = explanations.get(pk)  # type: ignore[attr-defined]
    others = sorted(
        (pk for pk in opened if pk not in chosen), key=lambda pk: (-score(pk), opened[pk].title, pk)
    )
    outside = {
        b.pk: b for b in Brief.objects.filter(pk__in=outside_ids).select_related("organisation")
    }
    return StudentChoices(
        cohort=cohort,
        choices=[opened[pk] for pk in chosen],
        others=[opened[pk] for pk in others],
        outside=[outside[pk] for pk in outside_ids if pk in outside],
        explanations=explanations,
        ranked_total=len(ranked),
    )


@dataclass
class Placement:
    """What a student sees once the allocation is published."""

    run: AllocationRun
    brief: Brief | None  # None: not placed
    teammates: list[User]


def student_placement(*, cohort: Cohort, student: User) -> Placement | None:
    """The student's placement by the cohort's published allocation; None before it is
    published (a proposal is never shown to students)."""
    run = published_run(cohort=cohort)
    if run is None:
        return None
    member = (
        TeamMember.objects.filter(allocation=run, student=student)
        .select_related("brief__organisation")
        .first()
    )
    if member is None:
        return Placement(run=run, brief=None, teammates=[])
    teammates = [
        m.student
        for m in TeamMember.objects.filter(brief_id=member.brief_id)
        .exclude(student=student)
        .select_related("student")
        .order_by("seat")
    ]
    return Placement(run=run, brief=member.brief, teammates=teammates)
