"""Saved briefs and ranked favourites.

A student saves briefs to keep an eye on them and ranks up to ``MAX_FAVOURITES`` of them,
1 = best. In a cohort whose staff allocate the students, those ranks, restricted to the
briefs opened to the cohort, are the student's preferences (``services.allocations``).

Ranks stay 1..n without gaps. They are rewritten in two statements (clear, then assign) so
the conditional unique constraint on (student, rank) never sees two rows with one rank,
whatever the database checks per row; each write first locks the student's user row, so
two tabs reordering at once take turns instead of failing on the constraint.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from organisations.models import Brief
from organisations.workflow import BriefState

from ..models import SavedBrief
from ..models.applications import MAX_FAVOURITES

Direction = Literal["up", "down"]


def saved_brief_save(*, brief: Brief, acting_user: User) -> SavedBrief:
    """Keep a published brief in the student's list (nothing happens if it is already)."""
    with transaction.atomic():
        _lock_student(acting_user)
        saved = SavedBrief.objects.filter(student=acting_user, brief=brief).first()
        if saved is not None:
            return saved
        _require_published(brief)
        return SavedBrief.objects.create(student=acting_user, brief=brief)


def saved_brief_remove(*, brief: Brief, acting_user: User) -> None:
    """Forget a saved brief; the favourites below it move up one rank."""
    with transaction.atomic():
        _lock_student(acting_user)
        deleted, _rows = SavedBrief.objects.filter(student=acting_user, brief=brief).delete()
        if deleted:
            _write_ranks(acting_user, _ranked_ids(acting_user))


def favourite_add(*, brief: Brief, acting_user: User) -> SavedBrief:
    """Rank a brief last among the favourites, saving it first if needed."""
    with transaction.atomic():
        _lock_student(acting_user)
        saved = SavedBrief.objects.filter(student=acting_user, brief=brief).first()
        if saved is None:
            _require_published(brief)
            saved = SavedBrief(student=acting_user, brief=brief)
        elif saved.rank is not None:
            return saved
        elif brief.state != BriefState.PUBLISHED:
            raise ValidationError(_("This project is no longer open: it cannot be a favourite."))
        ranked = _ranked_ids(acting_user)
        if len(ranked) >= MAX_FAVOURITES:
            raise ValidationError(
                ngettext(
                    "You already have %(count)d favourite: take one out first.",
                    "You already have %(count)d favourites: take one out first.",
                    MAX_FAVOURITES,
                )
                % {"count": MAX_FAVOURITES}
            )
        saved.rank = len(ranked) + 1
        saved.save()
        return saved


def favourite_remove(*, brief: Brief, acting_user: User) -> None:
    """Take a brief out of the favourites; it stays saved."""
    with transaction.atomic():
        _lock_student(acting_user)
        ranked = _ranked_ids(acting_user)
        if brief.pk in ranked:
            ranked.remove(brief.pk)
            _write_ranks(acting_user, ranked)


def favourite_move(
    *,
    brief: Brief,
    direction: Direction,
    acting_user: User,
    among: Collection[int] | None = None,
) -> None:
    """Swap a favourite with the one above (``up``) or below it; at either end, no change.

    With ``among`` (brief ids: those opened to a cohort), the neighbour is the nearest
    favourite in it, so the order the student sees of that subset changes at each press."""
    with transaction.atomic():
        _lock_student(acting_user)
        ranked = _ranked_ids(acting_user)
        if brief.pk not in ranked:
            raise ValidationError(_("This project is not among your favourites."))
        at = ranked.index(brief.pk)
        step = -1 if direction == "up" else 1
        other = at + step
        while among is not None and 0 <= other < len(ranked) and ranked[other] not in among:
            other += step
        if 0 <= other < len(ranked):
            ranked[at], ranked[other] = ranked[other], ranked[at]
            _write_ranks(acting_user, ranked)


def favourites_reorder(*, brief_ids: Sequence[int], acting_user: User) -> None:
    """Make ``brief_ids`` the favourites, best first; other saved briefs lose their rank.

    Every brief must already be saved by the student (the order of a list they see)."""
    order = list(dict.fromkeys(brief_ids))
    if len(order) > MAX_FAVOURITES:
        raise ValidationError(
            ngettext(
                "You can rank at most %(count)d favourite.",
                "You can rank at most %(count)d favourites.",
                MAX_FAVOURITES,
            )
            % {"count": MAX_FAVOURITES}
        )
    with transaction.atomic():
        _lock_student(acting_user)
        saved = set(
            SavedBrief.objects.filter(student=acting_user, brief_id__in=order).values_list(
                "brief_id", flat=True
            )
        )
        if saved != set(order):
            raise ValidationError(_("Save a project before ranking it."))
        _write_ranks(acting_user, order)


# --- Helpers ----------------------------------------------------------------------------


def _lock_student(student: User) -> None:
    # One writer per student at a time: the rank arithmetic below reads then writes.
    User.objects.select_for_update().filter(pk=student.pk).values_list("pk").first()


def _require_published(brief: Brief) -> None:
    if brief.state != BriefState.PUBLISHED:
        raise ValidationError(_("Only open projects can be saved."))


def _ranked_ids(student: User) -> list[int]:
    return list(
        SavedBrief.objects.filter(student=student, rank__isnull=False)
        .order_by("rank")
        .values_list("brief_id", flat=True)
    )


def _write_ranks(student: User, order: Sequence[int]) -> None:
    """Give ``order`` the ranks 1..n and every other saved brief no rank."""
    rows = SavedBrief.objects.filter(student=student)
    rows.filter(rank__isnull=False).update(rank=None)
    if not order:
        return
    by_brief = {row.brief_id: row for row in rows.filter(brief_id__in=order)}
    changed = []
    for rank, brief_id in enumerate(order, start=1):
        row = by_brief[brief_id]
        row.rank = rank
        changed.append(row)
    SavedBrief.objects.bulk_update(changed, ["rank"])
