"""Saved briefs and ranked favourites (services)."""

import pytest
from django.core.exceptions import ValidationError

from matching.models import SavedBrief
from matching.models.applications import MAX_FAVOURITES
from matching.services import favourites
from organisations.workflow import BriefState

from .allocation_fixtures import published_brief

pytestmark = pytest.mark.django_db


def _ranked(student):
    return list(
        SavedBrief.objects.filter(student=student, rank__isnull=False)
        .order_by("rank")
        .values_list("brief_id", "rank")
    )


def _briefs(cast, n):
    return [published_brief(cast.org_a) for _ in range(n)]


def test_save_is_idempotent_and_only_for_published_briefs(cast):
    student = cast.student_a
    first = favourites.saved_brief_save(brief=cast.brief_a, acting_user=student)
    again = favourites.saved_brief_save(brief=cast.brief_a, acting_user=student)
    assert first.pk == again.pk and first.rank is None
    with pytest.raises(ValidationError):
        favourites.saved_brief_save(brief=cast.draft_a, acting_user=student)
    assert SavedBrief.objects.filter(student=student).count() == 1


def test_add_ranks_last_and_refuses_a_sixth(cast):
    student = cast.student_a
    briefs = _briefs(cast, MAX_FAVOURITES + 1)
    for brief in briefs[:MAX_FAVOURITES]:
        favourites.favourite_add(brief=brief, acting_user=student)
    assert _ranked(student) == [(b.pk, i) for i, b in enumerate(briefs[:5], start=1)]
    with pytest.raises(ValidationError, match="déjà 5 favorites"):
        favourites.favourite_add(brief=briefs[5], acting_user=student)
    # Adding one already ranked changes nothing.
    favourites.favourite_add(brief=briefs[2], acting_user=student)
    assert len(_ranked(student)) == MAX_FAVOURITES


def test_remove_and_unsave_close_the_gap(cast):
    student = cast.student_a
    a, b, c = _briefs(cast, 3)
    for brief in (a, b, c):
        favourites.favourite_add(brief=brief, acting_user=student)
    favourites.favourite_remove(brief=a, acting_user=student)
    assert _ranked(student) == [(b.pk, 1), (c.pk, 2)]
    assert SavedBrief.objects.get(student=student, brief=a).rank is None  # still saved
    favourites.saved_brief_remove(brief=b, acting_user=student)
    assert _ranked(student) == [(c.pk, 1)]
    assert not SavedBrief.objects.filter(student=student, brief=b).exists()


def test_move_swaps_neighbours_and_stops_at_the_ends(cast):
    student = cast.student_a
    a, b, c = _briefs(cast, 3)
    for brief in (a, b, c):
        favourites.favourite_add(brief=brief, acting_user=student)
    favourites.favourite_move(brief=c, direction="up", acting_user=student)
    assert _ranked(student) == [(a.pk, 1), (c.pk, 2), (b.pk, 3)]
    favourites.favourite_move(brief=a, direction="up", acting_user=student)  # already first
    favourites.favourite_move(brief=b, direction="down", acting_user=student)  # already last
    assert _ranked(student) == [(a.pk, 1), (c.pk, 2), (b.pk, 3)]
    favourites.favourite_move(brief=a, direction="down", acting_user=student)
    assert _ranked(student) == [(c.pk, 1), (a.pk, 2), (b.pk, 3)]
    with pytest.raises(ValidationError):
        favourites.favourite_move(brief=cast.brief_b, direction="up", acting_user=student)


def test_reorder_sets_exactly_the_given_order(cast):
    student = cast.student_a
    a, b, c = _briefs(cast, 3)
    for brief in (a, b, c):
        favourites.favourite_add(brief=brief, acting_user=student)
    favourites.favourites_reorder(brief_ids=[c.pk, a.pk], acting_user=student)
    assert _ranked(student) == [(c.pk, 1), (a.pk, 2)]
    assert SavedBrief.objects.get(student=student, brief=b).rank is None
    with pytest.raises(ValidationError):
        favourites.favourites_reorder(brief_ids=[cast.brief_b.pk], acting_user=student)
    with pytest.raises(ValidationError):
        favourites.favourites_reorder(brief_ids=list(range(1, 8)), acting_user=student)
    assert _ranked(student) == [(c.pk, 1), (a.pk, 2)]


def test_a_brief_no_longer_open_cannot_become_a_favourite(cast):
    student = cast.student_a
    favourites.saved_brief_save(brief=cast.brief_a, acting_user=student)
    cast.brief_a.state = BriefState.IN_PROGRESS
    cast.brief_a.save(update_fields=["state"])
    with pytest.raises(ValidationError):
        favourites.favourite_add(brief=cast.brief_a, acting_user=student)
    # It can still be forgotten.
    favourites.saved_brief_remove(brief=cast.brief_a, acting_user=student)


def test_favourites_are_per_student(cast):
    a = published_brief(cast.org_a)
    favourites.favourite_add(brief=a, acting_user=cast.student_a)
    favourites.favourite_add(brief=cast.brief_b, acting_user=cast.student_b)
    favourites.favourite_add(brief=a, acting_user=cast.student_b)
    assert _ranked(cast.student_a) == [(a.pk, 1)]
    assert _ranked(cast.student_b) == [(cast.brief_b.pk, 1), (a.pk, 2)]


def test_move_among_a_subset_skips_the_others(cast):
    student = cast.student_a
    a, x, b, y, c = _briefs(cast, 5)
    for brief in (a, x, b, y, c):
        favourites.favourite_add(brief=brief, acting_user=student)
    among = {a.pk, b.pk, c.pk}  # x and y are not opened to the cohort
    favourites.favourite_move(brief=c, direction="up", acting_user=student, among=among)
    assert [pk for pk, _rank in _ranked(student)] == [a.pk, x.pk, c.pk, y.pk, b.pk]
    favourites.favourite_move(brief=a, direction="down", acting_user=student, among=among)
    assert [pk for pk, _rank in _ranked(student)] == [c.pk, x.pk, a.pk, y.pk, b.pk]
    favourites.favourite_move(brief=c, direction="up", acting_user=student, among=among)
    assert [pk for pk, _rank in _ranked(student)] == [c.pk, x.pk, a.pk, y.pk, b.pk]
