"""Reads of saved briefs and ranked favourites."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from organisations.models import Brief
from organisations.selectors import briefs_with_card_data

from ..models import SavedBrief
from ..models.applications import MAX_FAVOURITES


@dataclass(frozen=True)
class SavedBriefs:
    """A student's saved briefs: the ranked favourites (best first) and the others."""

    ranked: list[Brief]
    others: list[Brief]

    @property
    def slots_left(self) -> int:
        return MAX_FAVOURITES - len(self.ranked)

    @property
    def is_empty(self) -> bool:
        return not self.ranked and not self.others


def saved_briefs_of(*, student: User) -> SavedBriefs:
    """Every brief the student saved, with what a brief card shows: three queries."""
    rows = list(
        SavedBrief.objects.filter(student=student)
        .order_by("rank", "-created_at", "-pk")
        .values_list("brief_id", "rank")
    )
    wanted = Brief.objects.filter(pk__in=[pk for pk, _rank in rows])
    briefs = {brief.pk: brief for brief in briefs_with_card_data(wanted)}
    ranked = [briefs[pk] for pk, rank in rows if rank is not None]
    others = [briefs[pk] for pk, rank in rows if rank is None]
    return SavedBriefs(ranked=ranked, others=others)


def saved_state_of(*, student: User, brief: Brief) -> SavedBrief | None:
    """The student's row for one brief (saved or not, its rank): one query."""
    return SavedBrief.objects.filter(student=student, brief=brief).only("pk", "rank").first()
