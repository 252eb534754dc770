"""The batch job that keeps the MatchScore table: full runs (one block, chunks, the Celery
chord), the exact incremental refresh, the debounced trigger, the weekly message."""

import datetime

import numpy as np
import pytest
from django.utils import timezone

from matching.engine_data import explanations_for
from matching.models import ApplicationState, MatchScore, RecomputeRun, TeamMember
from matching.services import recommendations as services
from matching.services.recommendations import (
    BriefPartial,
    batch_students,
    recompute_all,
    recompute_queue,
)
from matching.tasks import recommendations as tasks
from notifications.models import Notification
from organisations.models import Brief
from organisations.workflow import BriefState
from students.models import Enrolment, StudentProfile, StudentSkill

from .applications_fixtures import make_application
from .recommendations_fixtures import (
    add_briefs,
    make_world,
    no_change_margin,  # noqa: F401 (a fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_change_margin")]


@pytest.fixture
def check(django_capture_on_commit_callbacks):
    """The debounced task, with the full run it may queue once its row is committed."""

    def run() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            tasks.recompute_if_changed()

    return run


def _table() -> set[tuple[int, int, int | None, int | None, float]]:
    return {
        (s, b, sr, br, round(score, 3))
        for s, b, sr, br, score in MatchScore.objects.values_list(
            "student_id", "brief_id", "student_rank", "brief_rank", "score"
        )
    }


def _full(chunk_size: int | None = None) -> RecomputeRun:
    run = recompute_queue(trigger=RecomputeRun.Trigger.MANUAL)
    assert run is not None
    return recompute_all(run=run, chunk_size=chunk_size)


def _from_scratch() -> set:
    MatchScore.objects.all().delete()
    _full()
    return _table()


# -----------------------------------------------------------------------------------------------


def test_a_full_run_fills_both_lists_with_engine_scores(cast) -> None:
    world = make_world(cast)
    run = _full()

    run.refresh_from_db()
    assert run.state == RecomputeRun.State.DONE
    assert run.students_done == run.students_total == batch_students().count() == 13
    assert run.briefs_total == len(world.briefs) + 2
    rows = list(MatchScore.objects.all())
    by_student: dict[int, list[int]] = {}
    for row in rows:
        if row.student_rank is not None:
            by_student.setdefault(row.student_id, []).append(row.student_rank)
    for ranks in by_student.values():
        assert sorted(ranks) == list(range(1, len(ranks) + 1))
    visible = set(
        StudentProfile.objects.filter(visible_to_organisations=True).values_list(
            "user_id", flat=True
        )
    )
    assert {r.student_id for r in rows if r.brief_rank is not None} <= visible
    # The stored score is the engine's (float32 in the batch, float64 in explain).
    sample = rows[:: max(1, len(rows) // 15)]
    explained = explanations_for([(r.student_id, r.brief_id) for r in sample])
    for row in sample:
        assert row.score == pytest.approx(explained[(row.student_id, row.brief_id)].score, abs=1e-3)


def test_students_without_a_held_skill_are_not_scored(cast) -> None:
    make_world(cast, briefs=3, students=2)
    StudentSkill.objects.filter(profile=cast.profile_a).update(wants_to_learn=True)
    _full()
    assert not MatchScore.objects.filter(student=cast.student_a).exists()


def test_chunks_give_the_same_table_as_one_block(cast) -> None:
    make_world(cast)
    _full(chunk_size=100_000)
    one_block = _table()
    _full(chunk_size=3)
    assert _table() == one_block


def test_the_celery_chord_gives_the_same_table(
    cast, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    make_world(cast)
    _full()
    expected = _table()
    MatchScore.objects.all().delete()
    monkeypatch.setattr(services, "CHUNK_STUDENTS", 4)
    chunks = []
    real_chunk = services.recompute_chunk

    def counting_chunk(**kwargs):
        chunks.append(kwargs)
        return real_chunk(**kwargs)

    monkeypatch.setattr(services, "recompute_chunk", counting_chunk)
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: runs now
        run = tasks.start_full_run(trigger=RecomputeRun.Trigger.NIGHTLY)
    assert run is not None
    run.refresh_from_db()
    assert run.state == RecomputeRun.State.DONE
    assert len(chunks) == 4  # 13 students by 4
    assert _table() == expected


def test_a_partial_survives_its_trip_between_tasks() -> None:
    partial = BriefPartial(
        np.array([3, 9]),
        np.array([[7, -1], [5, 8]]),
        np.array([[50, np.nan], [70, 60]], np.float32),
    )
    back = BriefPartial.decode(partial.encode())
    assert back.brief_ids.tolist() == [3, 9]
    assert back.students.tolist() == [[7, -1], [5, 8]]
    np.testing.assert_array_equal(back.scores, partial.scores)


def test_runs_never_overlap_and_a_lost_run_expires(cast) -> None:
    first = recompute_queue(trigger=RecomputeRun.Trigger.NIGHTLY)
    assert first is not None
    assert recompute_queue(trigger=RecomputeRun.Trigger.MANUAL) is None
    RecomputeRun.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=4)
    )
    assert recompute_queue(trigger=RecomputeRun.Trigger.MANUAL) is not None
    first.refresh_from_db()
    assert first.state == RecomputeRun.State.FAILED


def test_a_failing_run_is_marked_failed(cast, monkeypatch) -> None:
    make_world(cast, briefs=2, students=2)

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "recompute_chunk", broken)
    run = recompute_queue(trigger=RecomputeRun.Trigger.MANUAL)
    assert run is not None
    with pytest.raises(RuntimeError):
        recompute_all(run=run)
    run.refresh_from_db()
    assert run.state == RecomputeRun.State.FAILED
    assert "boom" in run.error


# -----------------------------------------------------------------------------------------------


def test_nothing_changed_nothing_runs(cast, check) -> None:
    make_world(cast, briefs=3, students=3)
    _full()
    check()
    assert RecomputeRun.objects.count() == 1


def test_a_changed_profile_only_changes_that_students_rows(cast, check) -> None:
    world = make_world(cast, briefs=10, students=30)
    _full()
    before = {
        r.pk: (r.student_id, r.brief_id, r.student_rank, r.score)
        for r in MatchScore.objects.filter(student_rank__isnull=False)
    }
    student = world.students[0]
    profile = student.student_profile  # type: ignore[attr-defined]
    profile.skills.update(level=4)
    profile.hours_per_week = 40
    profile.save()

    check()

    latest = RecomputeRun.objects.first()
    assert latest.trigger == RecomputeRun.Trigger.CHANGE
    assert latest.state == RecomputeRun.State.DONE
    assert latest.students_total < batch_students().count()  # incremental, not full
    after = {
        r.pk: (r.student_id, r.brief_id, r.student_rank, r.score)
        for r in MatchScore.objects.filter(student_rank__isnull=False)
    }
    others_before = {k: v for k, v in before.items() if v[0] != student.pk}
    others_after = {k: v for k, v in after.items() if v[0] != student.pk}
    assert others_after == others_before  # the same rows (same ids), ranks and scores
    assert {v for v in after.values() if v[0] == student.pk} != {
        v for v in before.values() if v[0] == student.pk
    }
    # Exact: the same table as a full run from scratch.
    incremental = _table()
    assert _from_scratch() == incremental


def test_a_newly_published_brief_reaches_the_students_it_fits(cast, check) -> None:
    make_world(cast, briefs=6, students=25)
    _full()
    (brief,) = add_briefs(cast, 1, seed=99, effort_hours=10, work_mode="remote")

    check()

    assert RecomputeRun.objects.first().trigger == RecomputeRun.Trigger.CHANGE
    assert MatchScore.objects.filter(brief=brief, student_rank__isnull=False).exists()
    incremental = _table()
    assert _from_scratch() == incremental


def test_a_brief_that_fills_up_or_closes_leaves_the_lists(cast, check) -> None:
    world = make_world(cast, briefs=6, students=20)
    _full()
    full, closed = world.briefs[0], world.briefs[1]
    for seat, student in enumerate(world.students[:3], start=1):
        TeamMember.objects.create(brief=full, student=student, seat=seat, source="application")
    closed.state = BriefState.CANCELLED
    closed.save()

    check()

    assert not MatchScore.objects.filter(brief__in=[full, closed]).exists()
    incremental = _table()
    assert _from_scratch() == incremental


def test_a_student_who_hides_their_profile_leaves_the_brief_lists(cast, check) -> None:
    world = make_world(cast, briefs=5, students=20)
    _full()
    listed = MatchScore.objects.filter(brief_rank__isnull=False).values_list(
        "student_id", flat=True
    )[0]
    profile = StudentProfile.objects.get(user_id=listed)
    profile.visible_to_organisations = False
    profile.visibility_consented_at = None
    profile.save()

    check()

    assert not MatchScore.objects.filter(student_id=listed, brief_rank__isnull=False).exists()
    incremental = _table()
    assert _from_scratch() == incremental
    assert world


def test_a_change_saved_just_before_the_last_run_is_looked_at_again(cast, monkeypatch) -> None:
    world = make_world(cast, briefs=3, students=10)
    _full()
    monkeypatch.setattr(services, "CHANGE_MARGIN", datetime.timedelta(seconds=60))
    # Saved 10 s before the run started, but committed after it looked (a long transaction).
    late = world.students[0]
    run = RecomputeRun.objects.get()
    StudentProfile.objects.filter(user=late).update(
        updated_at=run.started_at - datetime.timedelta(seconds=10)
    )
    long_ago = run.started_at - datetime.timedelta(minutes=5)
    StudentProfile.objects.exclude(user=late).update(updated_at=long_ago)
    Enrolment.objects.update(enrolled_at=long_ago)
    assert services.recompute_changes().student_ids == {late.pk}


def test_too_many_changes_run_in_full(cast, check) -> None:
    world = make_world(cast, briefs=4, students=10)
    _full()
    StudentProfile.objects.filter(user__in=world.students[:5]).update(updated_at=timezone.now())
    check()
    latest = RecomputeRun.objects.first()
    assert latest.trigger == RecomputeRun.Trigger.CHANGE
    assert latest.students_total == batch_students().count()  # a full run's total


def test_the_first_check_runs_in_full(cast, check) -> None:
    make_world(cast, briefs=2, students=3)
    check()
    assert RecomputeRun.objects.get().state == RecomputeRun.State.DONE
    assert MatchScore.objects.exists()


# -----------------------------------------------------------------------------------------------


def test_new_briefs_weekly_once_per_student_and_week(cast) -> None:
    world = make_world(cast, briefs=6, students=8)
    old = world.briefs[0]
    Brief.objects.filter(pk=old.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=30)
    )
    _full()

    sent = services.new_briefs_weekly_notify()

    notes = Notification.objects.filter(kind="new_briefs_weekly")
    assert sent == notes.count() > 0
    note = notes.first()
    titles = [b["title"] for b in note.context["briefs"]]
    assert old.title not in titles
    assert len(titles) <= services.WEEKLY_BRIEFS_MAX
    assert note.link == "/matching/recommendations/"
    assert services.new_briefs_weekly_notify() == sent
    assert notes.count() == sent  # the same week: no second message


def test_new_briefs_weekly_leaves_out_briefs_applied_to_or_joined(cast) -> None:
    """As "Missions pour vous": a brief applied to or joined is no news; one whose
    application was withdrawn may be applied to again, so it stays."""
    world = make_world(cast, briefs=6, students=8)
    _full()
    student = world.students[0]
    top = list(
        MatchScore.objects.filter(student=student, student_rank__isnull=False)
        .order_by("student_rank")
        .values_list("brief_id", flat=True)[:3]
    )
    assert len(top) == 3, "the scene needs three recommended briefs"
    applied, joined, withdrawn = Brief.objects.in_bulk(top).values()
    make_application(student, applied)
    TeamMember.objects.create(brief=joined, student=student, seat=1, source="allocation")
    make_application(student, withdrawn, state=ApplicationState.WITHDRAWN)

    services.new_briefs_weekly_notify()

    note = Notification.objects.get(kind="new_briefs_weekly", recipient=student)
    titles = {b["title"] for b in note.context["briefs"]}
    assert withdrawn.title in titles
    assert not titles & {applied.title, joined.title}
