"""Writes of the recommendations: the batch job that keeps the ``MatchScore`` table, and the
weekly "new projects for you" message.

The table holds, for every student the batch scores, their ``STUDENT_TOP_K`` best open
briefs (``student_rank`` 1–20), and for every open brief its ``BRIEF_TOP_K`` best students
among those who opted in to be visible to organisations (``brief_rank`` 1–50); a pair in
both lists is one row. Three ways to refresh it, all recorded as a ``RecomputeRun``:

- **Full** (nightly, or by hand from the admin): the students are cut into chunks of
  ``CHUNK_STUDENTS`` consecutive user ids. Each chunk (a Celery task of a chord, see
  ``matching.tasks.recommendations``) scores its students against every published brief,
  replaces their own rows and returns its per-brief top lists; the chord's callback merges
  those (``scoring.merge_top_k``) and replaces the per-brief rows. ``recompute_all`` runs the
  same steps in one process (demo data, tests, a broker without a result backend).
- **Incremental** (every few minutes, when profiles or briefs changed since the last run):
  exact, without scoring everybody again. Changed students get their top briefs again; so
  do the students for whom a changed brief now enters or leaves the top. Changed briefs get
  their top students again; so do the briefs whose list a changed student enters or held.
  When more than ``FULL_RUN_SHARE`` of the students or briefs changed, a full run is cheaper.
- No signals: profiles and briefs are compared by their ``updated_at`` with the start of the
  last finished run (the *watermark*), so the students and organisations apps never import
  this one.

Rows are replaced per student or per brief in a transaction (delete what leaves the list,
upsert the rest in batches of ``WRITE_BATCH``), so pages never read a half-written list.
"""

from __future__ import annotations

import base64
import datetime
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from django.db import transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record

from ..engine_data import brief_block, student_block
from ..models import MatchScore, RecomputeRun
from ..scoring import StudentBlock, TopK, merge_top_k, top_k
from ..selectors.applications import seats_taken_subquery, taken_pair
from ..selectors.recommendations import (
    BRIEF_TOP_K,
    CHANGE_MARGIN,
    STUDENT_TOP_K,
    PublishedBriefs,
    last_recompute_start,
    published_briefs,
)

if TYPE_CHECKING:
    from accounts.models import User
    from students.models import StudentProfile

logger = logging.getLogger(__name__)

CHUNK_STUDENTS: Final = 5000
WRITE_BATCH: Final = 20_000
#: More than this share of students or briefs changed: recompute everything instead.
FULL_RUN_SHARE: Final = 0.2
#: A run still queued or running after this long was lost (worker killed): marked failed.
STALE_RUN_AFTER: Final = datetime.timedelta(hours=3)
#: The weekly message lists at most this many new briefs among the student's top matches.
WEEKLY_BRIEFS_MAX: Final = 5
WEEKLY_WINDOW: Final = datetime.timedelta(days=7)
_LAST_ID: Final = 2**63 - 1

State = RecomputeRun.State


# --- Who and what the batch scores -------------------------------------------------------------


def batch_students() -> QuerySet[StudentProfile]:
    """The profiles the batch scores: active accounts with at least one held skill (a profile
    without skills gets the "complete your profile" page, not recommendations)."""
    from students.models import StudentProfile, StudentSkill

    return StudentProfile.objects.filter(
        Exists(StudentSkill.objects.held().filter(profile=OuterRef("pk"))),
        user__is_active=True,
    )


# --- Runs --------------------------------------------------------------------------------------


def _expire_stale_runs() -> None:
    RecomputeRun.objects.filter(
        state__in=[State.QUEUED, State.RUNNING],
        created_at__lt=timezone.now() - STALE_RUN_AFTER,
    ).update(state=State.FAILED, finished_at=timezone.now(), error="Interrupted (no progress).")


def recompute_queue(*, trigger: str, acting_user: User | None = None) -> RecomputeRun | None:
    """A new queued run, or None when one is already queued or running: runs never overlap
    (two would write the same rows). A run started by a person is audited."""
    with transaction.atomic():
        _expire_stale_runs()
        if RecomputeRun.objects.filter(state__in=[State.QUEUED, State.RUNNING]).exists():
            return None
        run = RecomputeRun.objects.create(state=State.QUEUED, trigger=trigger)
        if acting_user is not None:
            audit_record(
                actor=acting_user,
                action="recompute_run.start",
                target=run,
                to_state=State.QUEUED,
                data={"trigger": trigger},
            )
    return run


def _begin(
    run: RecomputeRun,
    *,
    students: int,
    briefs: int,
    started_at: datetime.datetime | None = None,
) -> None:
    """``started_at`` is the run's watermark: every change before it is in the table once
    the run is done. An incremental run passes the moment it looked for changes."""
    run.state = State.RUNNING
    run.started_at = started_at or timezone.now()
    run.students_total = students
    run.students_done = 0
    run.briefs_total = briefs
    run.save(
        update_fields=["state", "started_at", "students_total", "students_done", "briefs_total"]
    )


def _progress(run: RecomputeRun, done: int) -> None:
    RecomputeRun.objects.filter(pk=run.pk).update(students_done=F("students_done") + done)


def recompute_finish(*, run: RecomputeRun) -> None:
    RecomputeRun.objects.filter(pk=run.pk).update(
        state=State.DONE, finished_at=timezone.now(), students_done=F("students_total")
    )
    run.refresh_from_db()


def recompute_fail(*, run: RecomputeRun, error: str) -> None:
    RecomputeRun.objects.filter(pk=run.pk).update(
        state=State.FAILED, finished_at=timezone.now(), error=error[:2000]
    )
    logger.error("Recompute run %s failed: %s", run.pk, error)


# --- Writing rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """Rows of one side of the table as parallel arrays (no Python object per row)."""

    student_ids: np.ndarray
    brief_ids: np.ndarray
    scores: np.ndarray
    ranks: np.ndarray

    @classmethod
    def empty(cls) -> Rows:
        nothing = np.zeros(0, np.int64)
        return cls(nothing, nothing, np.zeros(0, np.float32), nothing)

    def __len__(self) -> int:
        return int(self.student_ids.size)


_UPSERT_POSTGRES = """
    INSERT INTO {table} (student_id, brief_id, score, {rank}, computed_at)
    SELECT s, b, v, r, %s FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::int[])
        AS t(s, b, v, r)
    ON CONFLICT (student_id, brief_id) DO UPDATE
    SET score = EXCLUDED.score, {rank} = EXCLUDED.{rank}, computed_at = EXCLUDED.computed_at
"""
_UPSERT_OTHERS = """
    INSERT INTO {table} (student_id, brief_id, score, {rank}, computed_at)
    VALUES (%s, %s, %s, %s, %s)
    ON CONFLICT (student_id, brief_id) DO UPDATE
    SET score = excluded.score, {rank} = excluded.{rank}, computed_at = excluded.computed_at
"""


def _upsert(rows: Rows, *, side: str, at: datetime.datetime) -> int:
    """Insert or update one side of these rows, ``WRITE_BATCH`` at a time. Raw SQL: the ORM's
    bulk_create builds a model instance and SQL placeholders per row, about ten times slower
    for the half million rows of a national run. PostgreSQL gets whole arrays (unnest)."""
    from django.db import connection

    rank = {"student": "student_rank", "brief": "brief_rank"}[side]
    table = connection.ops.quote_name(MatchScore._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        for lo in range(0, len(rows), WRITE_BATCH):
            chunk = slice(lo, lo + WRITE_BATCH)
            columns = (
                rows.student_ids[chunk].tolist(),
                rows.brief_ids[chunk].tolist(),
                rows.scores[chunk].astype(np.float64).tolist(),
                rows.ranks[chunk].tolist(),
            )
            if connection.vendor == "postgresql":
                cursor.execute(_UPSERT_POSTGRES.format(table=table, rank=rank), [stamp, *columns])
            else:
                cursor.executemany(
                    _UPSERT_OTHERS.format(table=table, rank=rank),
                    [(*row, stamp) for row in zip(*columns, strict=True)],
                )
    return len(rows)


def _pair_keys(student_ids: np.ndarray, brief_ids: np.ndarray) -> np.ndarray:
    return (np.asarray(student_ids, np.int64) << 32) | np.asarray(brief_ids, np.int64)


def _replace(scope: Q, rows: Rows, *, side: str) -> int:
    """One side of the lists in ``scope`` becomes ``rows``, writing only the difference: a
    nightly run mostly finds yesterday's lists again, and rewriting half a million rows
    costs far more than reading them. Returns the number of rows written or removed."""
    rank = f"{side}_rank"
    other = "brief_rank" if side == "student" else "student_rank"
    with transaction.atomic():
        held = list(
            MatchScore.objects.filter(scope, **{f"{rank}__isnull": False})
            .order_by()
            .values_list("pk", "student_id", "brief_id", rank, "score", other)
        )
        old = np.asarray([r[:5] for r in held], np.float64).reshape(-1, 5)
        old_keys = _pair_keys(old[:, 1], old[:, 2])
        new_keys = _pair_keys(rows.student_ids, rows.brief_ids)
        order = np.argsort(new_keys)
        found = np.zeros(len(held), np.int64)  # where each old pair is among the new ones
        kept = np.zeros(len(held), np.bool_)
        if len(held) and len(rows):
            found = np.minimum(np.searchsorted(new_keys[order], old_keys), len(rows) - 1)
            kept = new_keys[order][found] == old_keys
        gone = ~kept
        alone = np.asarray([r[5] is None for r in held], np.bool_)
        pks = old[:, 0].astype(np.int64)
        _in_batches(pks[gone & alone], lambda ids: MatchScore.objects.filter(pk__in=ids).delete())
        _in_batches(
            pks[gone & ~alone],
            lambda ids: MatchScore.objects.filter(pk__in=ids).update(**{rank: None}),
        )
        # New pairs, and kept pairs whose rank or score moved.
        unchanged = np.zeros(len(rows), np.bool_)
        if kept.any():
            position = order[found[kept]]
            same = (rows.ranks[position] == old[kept, 3]) & (
                np.abs(rows.scores[position].astype(np.float64) - old[kept, 4]) < 1e-6
            )
            unchanged[position[same]] = True
        changed = np.flatnonzero(~unchanged)
        _upsert(
            Rows(
                rows.student_ids[changed],
                rows.brief_ids[changed],
                rows.scores[changed],
                rows.ranks[changed],
            ),
            side=side,
            at=timezone.now(),
        )
    return int(gone.sum()) + int(changed.size)


def _in_batches(ids: np.ndarray, action: Any, size: int = 10_000) -> None:
    for lo in range(0, ids.size, size):
        action(ids[lo : lo + size].tolist())


def _replace_student_rows(scope: Q, rows: Rows) -> int:
    """The student side of the rows of the students in ``scope`` (a Q on ``student_id``)."""
    return _replace(scope, rows, side="student")


def _replace_brief_rows(scope: Q, rows: Rows) -> int:
    """The brief side of the rows of the briefs in ``scope`` (a Q on ``brief_id``)."""
    return _replace(scope, rows, side="brief")


def _student_rows(students: StudentBlock, published: PublishedBriefs, best: TopK) -> Rows:
    kept = best.indices >= 0
    row, rank = np.nonzero(kept)
    return Rows(
        students.ids[row], published.block.ids[best.indices[kept]], best.scores[kept], rank + 1
    )


def _brief_rows(brief_ids: np.ndarray, best: TopK) -> Rows:
    """Rows from a per-brief top list whose indices are already student ids."""
    kept = best.indices >= 0
    row, rank = np.nonzero(kept)
    return Rows(best.indices[kept], np.asarray(brief_ids)[row], best.scores[kept], rank + 1)


# --- Full run ----------------------------------------------------------------------------------


def recompute_plan(*, run: RecomputeRun, chunk_size: int | None = None) -> list[tuple[int, int]]:
    """Start a full run: its chunks as inclusive user-id ranges that cover every id (so a
    student who left the batch loses their rows too), and the totals for the progress bar."""
    from organisations.models import Brief

    ids = list(batch_students().order_by("user_id").values_list("user_id", flat=True))
    _begin(run, students=len(ids), briefs=Brief.objects.published().count())
    starts = ids[:: chunk_size or CHUNK_STUDENTS] or [0]
    starts[0] = 0
    ends = [start - 1 for start in starts[1:]] + [_LAST_ID]
    return list(zip(starts, ends, strict=True))


@dataclass(frozen=True)
class BriefPartial:
    """A chunk's per-brief top students: brief ids (M,), student ids (M, k, -1 = none) and
    scores (M, k). Travels between Celery tasks as compressed bytes (``encode``)."""

    brief_ids: np.ndarray
    students: np.ndarray
    scores: np.ndarray

    def encode(self) -> str:
        payload = b"".join(
            [
                np.asarray(self.students.shape, np.int64).tobytes(),
                self.brief_ids.astype(np.int64).tobytes(),
                self.students.astype(np.int64).tobytes(),
                self.scores.astype(np.float32).tobytes(),
            ]
        )
        return base64.b64encode(zlib.compress(payload, 6)).decode("ascii")

    @classmethod
    def decode(cls, text: str) -> BriefPartial:
        payload = zlib.decompress(base64.b64decode(text))
        m, k = np.frombuffer(payload[:16], np.int64)
        rest = payload[16:]
        brief_ids = np.frombuffer(rest[: 8 * m], np.int64)
        students = np.frombuffer(rest[8 * m : 8 * m + 8 * m * k], np.int64).reshape(m, k)
        scores = np.frombuffer(rest[8 * m + 8 * m * k :], np.float32).reshape(m, k)
        return cls(brief_ids, students, scores)


def _visible_rows(students: StudentBlock, visible_ids: set[int]) -> list[int]:
    return [i for i, pk in enumerate(students.ids.tolist()) if pk in visible_ids]


def _per_brief(
    students: StudentBlock, rows: list[int], published: PublishedBriefs, k: int = BRIEF_TOP_K
) -> BriefPartial:
    """Top students (as user ids) of every published brief among ``rows`` of the block."""
    block = published.block
    if rows and len(block):
        subset = students.subset(rows)
        _, best = top_k(subset, block, per_student=0, per_brief=k)
        ids = np.where(best.indices >= 0, subset.ids[np.maximum(best.indices, 0)], -1)
        return BriefPartial(block.ids.copy(), ids, best.scores)
    m = len(block)
    return BriefPartial(
        block.ids.copy(), np.full((m, k), -1, np.int64), np.full((m, k), np.nan, np.float32)
    )


def recompute_chunk(*, run: RecomputeRun, first_id: int, last_id: int) -> BriefPartial:
    """One chunk of a full run: its students' top briefs replace their rows; returns their
    contribution to the per-brief lists."""
    scope = batch_students().filter(user_id__gte=first_id, user_id__lte=last_id)
    published = published_briefs()
    students = student_block(scope, taxonomy=published.taxonomy)
    visible = set(scope.filter(visible_to_organisations=True).values_list("user_id", flat=True))
    rows = Rows.empty()
    if len(students) and len(published.block):
        best, _ = top_k(students, published.block, per_student=STUDENT_TOP_K, per_brief=0)
        rows = _student_rows(students, published, best)
    _replace_student_rows(Q(student_id__gte=first_id, student_id__lte=last_id), rows)
    _progress(run, len(students))
    return _per_brief(students, _visible_rows(students, visible), published)


def recompute_merge(*, run: RecomputeRun, partials: list[BriefPartial]) -> None:
    """The chord's callback: merge the chunks' per-brief lists, replace every brief's rows
    (briefs no longer open lose theirs), and close the run."""
    partials = [p for p in partials if p.brief_ids.size]
    rows = Rows.empty()
    if partials:
        brief_ids = np.unique(np.concatenate([p.brief_ids for p in partials]))
        aligned = []
        for part in partials:
            at = np.searchsorted(brief_ids, part.brief_ids)
            indices = np.full((brief_ids.size, BRIEF_TOP_K), -1, np.int64)
            scores = np.full((brief_ids.size, BRIEF_TOP_K), np.nan, np.float32)
            indices[at], scores[at] = part.students, part.scores
            aligned.append(TopK(indices, scores))
        rows = _brief_rows(brief_ids, merge_top_k(aligned, BRIEF_TOP_K))
    _replace_brief_rows(Q(), rows)
    recompute_finish(run=run)


def recompute_all(*, run: RecomputeRun, chunk_size: int | None = None) -> RecomputeRun:
    """A full run in this process: the chord's steps one after the other."""
    try:
        partials = [
            recompute_chunk(run=run, first_id=first, last_id=last)
            for first, last in recompute_plan(run=run, chunk_size=chunk_size)
        ]
        recompute_merge(run=run, partials=partials)
    except Exception as error:
        recompute_fail(run=run, error=repr(error))
        raise
    return run


# --- Incremental run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    student_ids: frozenset[int]
    brief_ids: frozenset[int]
    since: datetime.datetime | None  # None: no run ever finished, everything is new
    checked_at: datetime.datetime  # the next watermark (taken before looking)

    def __bool__(self) -> bool:
        return self.since is None or bool(self.student_ids or self.brief_ids)


def recompute_changes() -> Changes:
    """What changed since the last finished run started (less ``CHANGE_MARGIN``): profiles
    (and their skills, which the profile service saves with it), enrolments (cohort dates
    are defaults), briefs (in or out of the published set, edited, their organisation's
    causes, their team filling)."""
    from organisations.models import Brief
    from students.models import Enrolment, StudentProfile

    from ..models import TeamMember

    checked_at = timezone.now()
    watermark = last_recompute_start()
    if watermark is None:
        return Changes(frozenset(), frozenset(), None, checked_at)
    # A row saved just before the watermark may have been committed just after the last
    # run looked: looking a little further back costs a few students scored twice.
    since = watermark - CHANGE_MARGIN
    students = set(
        StudentProfile.objects.filter(updated_at__gt=since).values_list("user_id", flat=True)
    )
    students |= set(
        Enrolment.objects.filter(enrolled_at__gt=since).values_list("student_id", flat=True)
    )
    has_rows = Exists(MatchScore.objects.filter(brief=OuterRef("pk")))
    relevant = Q(state="published") | Q(has_rows)
    briefs = set(
        Brief.objects.filter(
            Q(updated_at__gt=since)
            | Q(organisation__updated_at__gt=since)
            | Q(pk__in=TeamMember.objects.filter(created_at__gt=since).values("brief_id"))
        )
        .filter(relevant)
        .values_list("pk", flat=True)
    )
    return Changes(frozenset(students), frozenset(briefs), since, checked_at)


def _thresholds(side: str, ids: Iterable[int] | None = None) -> dict[int, tuple[int, float]]:
    """Per student (or brief): how many rows its list holds and its lowest score."""
    key = f"{side}_id"
    rows = MatchScore.objects.filter(**{f"{side}_rank__isnull": False})
    if ids is not None:
        rows = rows.filter(**{f"{key}__in": list(ids)})
    return {
        owner: (n, low)
        for owner, n, low in rows.values(key)
        .annotate(n=Count("pk"), low=Min("score"))
        .values_list(key, "n", "low")
    }


def _enters(best: TopK, row: int, holding: tuple[int, float] | None, k: int) -> bool:
    """Does the best new score of ``row`` enter a list that holds ``holding``?"""
    score = best.scores[row, 0]
    if best.indices[row, 0] < 0:
        return False
    if holding is None:
        return True
    n, low = holding
    return n < k or float(score) >= low


def _students_affected_by_briefs(brief_ids: frozenset[int], published: PublishedBriefs) -> set[int]:
    """Students whose top list changes because these briefs changed: those holding one of
    them, and those for whom one of them now ranks at or above their last kept score."""
    from organisations.models import Brief

    affected = set(
        MatchScore.objects.filter(
            student_rank__isnull=False, brief_id__in=list(brief_ids)
        ).values_list("student_id", flat=True)
    )
    changed = brief_block(
        Brief.objects.published().filter(pk__in=list(brief_ids)), taxonomy=published.taxonomy
    )
    if not len(changed):
        return affected
    everyone = student_block(batch_students(), taxonomy=published.taxonomy)
    if not len(everyone):
        return affected
    best, _ = top_k(everyone, changed, per_student=1, per_brief=0)
    holding = _thresholds("student")
    for i, pk in enumerate(everyone.ids.tolist()):
        if _enters(best, i, holding.get(pk), STUDENT_TOP_K):
            affected.add(pk)
    return affected


def _briefs_affected_by_students(
    student_ids: frozenset[int], published: PublishedBriefs
) -> set[int]:
    """Briefs whose top list changes because these students changed: those whose list holds
    one of them, and those whose list one of them (visible) now enters."""
    affected = set(
        MatchScore.objects.filter(
            brief_rank__isnull=False, student_id__in=list(student_ids)
        ).values_list("brief_id", flat=True)
    )
    visible = batch_students().filter(user_id__in=list(student_ids), visible_to_organisations=True)
    students = student_block(visible, taxonomy=published.taxonomy)
    block = published.block
    if not len(students) or not len(block):
        return affected
    _, best = top_k(students, block, per_student=0, per_brief=1)
    holding = _thresholds("brief")
    for j, pk in enumerate(block.ids.tolist()):
        if _enters(best, j, holding.get(pk), BRIEF_TOP_K):
            affected.add(pk)
    return affected


def _recompute_students(student_ids: set[int], published: PublishedBriefs) -> int:
    if not student_ids:
        return 0
    ids = sorted(student_ids)
    students = student_block(batch_students().filter(user_id__in=ids), taxonomy=published.taxonomy)
    rows = Rows.empty()
    if len(students) and len(published.block):
        best, _ = top_k(students, published.block, per_student=STUDENT_TOP_K, per_brief=0)
        rows = _student_rows(students, published, best)
    # Students no longer in the batch (no skill left, account closed) lose their rows.
    _replace_student_rows(Q(student_id__in=ids), rows)
    return len(ids)


def _recompute_briefs(brief_ids: set[int], published: PublishedBriefs) -> None:
    if not brief_ids:
        return
    ids = sorted(brief_ids)
    rows = Rows.empty()
    wanted = np.isin(published.block.ids, ids)
    if wanted.any():
        visible = batch_students().filter(visible_to_organisations=True)
        students = student_block(visible, taxonomy=published.taxonomy)
        part = _per_brief(students, list(range(len(students))), published)
        keep = np.flatnonzero(wanted)
        rows = _brief_rows(part.brief_ids[keep], TopK(part.students[keep], part.scores[keep]))
    # Briefs no longer published (or gone) lose their rows.
    _replace_brief_rows(Q(brief_id__in=ids), rows)


def recompute_incremental(*, run: RecomputeRun, changes: Changes) -> RecomputeRun:
    """Refresh exactly the lists these changes can alter (see the module's docstring)."""
    try:
        published = published_briefs()
        students = set(changes.student_ids)
        briefs = set(changes.brief_ids)
        if changes.brief_ids:
            students |= _students_affected_by_briefs(changes.brief_ids, published)
        if changes.student_ids:
            briefs |= _briefs_affected_by_students(changes.student_ids, published)
        _begin(run, students=len(students), briefs=len(briefs), started_at=changes.checked_at)
        _recompute_students(students, published)
        _recompute_briefs(briefs, published)
        recompute_finish(run=run)
    except Exception as error:
        recompute_fail(run=run, error=repr(error))
        raise
    return run


def recompute_needs_full(changes: Changes) -> bool:
    from organisations.models import Brief

    if changes.since is None:
        return True
    students = batch_students().count()
    briefs = Brief.objects.published().count()
    return len(changes.student_ids) > FULL_RUN_SHARE * max(students, 1) or len(
        changes.brief_ids
    ) > FULL_RUN_SHARE * max(briefs, 1)


# --- Weekly "new projects for you" -------------------------------------------------------------


def new_briefs_weekly_notify(*, now: datetime.datetime | None = None) -> int:
    """One ``new_briefs_weekly`` notification per student who has, among their top matches,
    open briefs published in the last 7 days (at most ``WEEKLY_BRIEFS_MAX``, best first),
    leaving out those the student already applied to or joined, as "Missions pour vous" does
    (:func:`~matching.selectors.applications.brief_ids_taken_by`).
    Idempotent per ISO week (the event key); preferences (off, digest) are the notifications
    app's business. Returns how many were recorded."""
    from accounts.models import User
    from notifications.services import notify
    from organisations.workflow import BriefState

    now = now or timezone.now()
    year, week, _day = timezone.localdate(now).isocalendar()
    rows = (
        MatchScore.objects.filter(
            student_rank__isnull=False,
            student__is_active=True,
            brief__state=BriefState.PUBLISHED,
            brief__published_at__gte=now - WEEKLY_WINDOW,
        )
        .exclude(taken_pair(student=OuterRef("student_id"), brief=OuterRef("brief_id")))
        .annotate(team_size=seats_taken_subquery("brief_id"))
        .filter(team_size__lt=F("brief__team_max"))
        .order_by("student_id", "student_rank")
        .values_list("student_id", "brief_id", "brief__title", "brief__organisation__name")
    )
    briefs: dict[int, list[dict[str, str]]] = defaultdict(list)
    for student_id, brief_id, title, organisation in rows:
        if len(briefs[student_id]) < WEEKLY_BRIEFS_MAX:
            briefs[student_id].append(
                {
                    "title": title,
                    "path": reverse("briefs:detail", kwargs={"pk": brief_id}),
                    "organisation_name": organisation,
                }
            )
    link = reverse("matching:recommendations")
    users = User.objects.in_bulk(list(briefs))
    for student_id, items in briefs.items():
        with transaction.atomic():
            notify(
                kind="new_briefs_weekly",
                recipient=users[student_id],
                link=link,
                context={"briefs": items},
                event_key=f"new_briefs_weekly:{student_id}:{year}-W{week:02d}",
            )
    return len(briefs)
