"""The public catalogue's facets (django-filter). Whatever queryset it is given, the filter
set only ever returns published briefs: visibility is decided here too, not by the view."""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from matching.models import Cause
from matching.taxonomy import NeedCategory

from . import search
from .identifiers import as_department, fold
from .models import Brief, WorkMode
from .widgets import FastSelect


class EffortBand:
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    XLARGE = "xlarge"

    CHOICES = (
        (SMALL, _("Up to 50 hours")),
        (MEDIUM, _("51 to 150 hours")),
        (LARGE, _("151 to 400 hours")),
        (XLARGE, _("More than 400 hours")),
    )
    BOUNDS = {SMALL: (None, 50), MEDIUM: (51, 150), LARGE: (151, 400), XLARGE: (401, None)}


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    START = "start"

    CHOICES = (
        (RELEVANCE, _("Relevance")),
        (NEWEST, _("Newest first")),
        (START, _("Earliest start")),
    )


def _skill_choices() -> list[tuple[Any, Any]]:
    from .forms import grouped_skill_choices

    return grouped_skill_choices()[1:]  # without its "Choose a skill" placeholder


def _date_input(**attrs: str) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


# htmx swaps only the results: this field's error lives in a fixed slot beside it, which the
# results response replaces out of band (catalogue_results.html), so the inputs are never
# swapped under the person's fingers.
START_BEFORE_ERROR_SLOT = "id_start_before_error_slot"


class BriefFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        after, before = cleaned.get("start_after"), cleaned.get("start_before")
        if after and before and before < after:
            # The field is then left out of the filtering: the other date still applies.
            self.add_error(
                "start_before",
                ValidationError(
                    _("This date comes before “%(label)s”: swap the two dates or clear one."),
                    code="before_start_after",
                    params={"label": self.fields["start_after"].label},
                ),
            )
        return cleaned


class BriefFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Keywords"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. website members"), "maxlength": 200}
        ),
    )
    category = django_filters.MultipleChoiceFilter(
        label=_("Kind of need"),
        field_name="need_category",
        choices=NeedCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    skill = django_filters.ChoiceFilter(
        label=_("Skill"),
        choices=_skill_choices,
        method="filter_skill",
        widget=FastSelect,
        empty_label=_("All skills"),
    )
    cause = django_filters.ModelChoiceFilter(
        label=_("Cause"),
        queryset=Cause.objects.only("pk", "name_fr", "name_en"),
        field_name="organisation__causes",
        empty_label=_("All causes"),
        widget=FastSelect,
    )
    work_mode = django_filters.MultipleChoiceFilter(
        label=_("Where"),
        choices=WorkMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    place = django_filters.CharFilter(
        label=_("City or département"),
        method="filter_place",
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Lille or 59"), "maxlength": 100}),
    )
    effort = django_filters.ChoiceFilter(
        label=_("Effort"),
        choices=EffortBand.CHOICES,
        method="filter_effort",
        empty_label=_("Any effort"),
    )
    start_after = django_filters.DateFilter(
        label=_("Starts on or after"),
        field_name="start_date",
        lookup_expr="gte",
        widget=_date_input(),
    )
    start_before = django_filters.DateFilter(
        label=_("Starts on or before"),
        field_name="start_date",
        lookup_expr="lte",
        widget=_date_input(**{"aria-describedby": START_BEFORE_ERROR_SLOT}),
        template_name="organisations/forms/catalogue_date_field.html",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Sort.CHOICES,
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Brief
        fields: list[str] = []
        form = BriefFilterForm

    def __init__(
        self, data: Any = None, queryset: QuerySet[Brief] | None = None, **kwargs: Any
    ) -> None:
        base = Brief.objects.all() if queryset is None else queryset
        super().__init__(data, queryset=base.published(), **kwargs)  # type: ignore[attr-defined]
        self.relaxed = False
        # Sorting by relevance only means something with keywords.
        self.form.fields["sort"].required = False

    @property
    def qs(self) -> QuerySet[Brief]:
        if not hasattr(self, "_qs"):
            queryset = super().qs
            if not getattr(self.form, "cleaned_data", {}).get("sort"):
                queryset = self.filter_sort(queryset, "sort", "")
            self._qs = queryset
        return self._qs

    def filter_search(self, queryset: QuerySet[Brief], name: str, value: str) -> QuerySet[Brief]:
        if not value.strip():
            return queryset
        matching = search.apply_search(queryset, value)
        if not matching.exists() and len(value.split()) > 1:
            # No brief has every word: show those with any of them, and say so.
            self.relaxed = True
            return search.apply_search(queryset, value, match_all=False)
        return matching

    def filter_skill(self, queryset: QuerySet[Brief], name: str, value: str) -> QuerySet[Brief]:
        return queryset.filter(brief_skills__skill_id=int(value))

    def filter_place(self, queryset: QuerySet[Brief], name: str, value: str) -> QuerySet[Brief]:
        department = as_department(value)
        if department:
            return queryset.filter(department=department)
        key = fold(value)
        if not key:
            return queryset
        return queryset.filter(Q(place_key=key) | Q(place_key__startswith=key + " "))

    def filter_effort(self, queryset: QuerySet[Brief], name: str, value: str) -> QuerySet[Brief]:
        low, high = EffortBand.BOUNDS.get(value, (None, None))
        if low is not None:
            queryset = queryset.filter(effort_hours__gte=low)
        if high is not None:
            queryset = queryset.filter(effort_hours__lte=high)
        return queryset

    def filter_sort(self, queryset: QuerySet[Brief], name: str, value: str) -> QuerySet[Brief]:
        has_query = bool(getattr(self.form, "cleaned_data", {}).get("q", "").strip())
        if value == Sort.START:
            return queryset.order_by("start_date", "-published_at", "-pk")
        if value == Sort.NEWEST or not has_query:
            return queryset.order_by("-published_at", "-pk")
        return queryset.order_by(F("rank").desc(), "-published_at", "-pk")
