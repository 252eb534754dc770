"""Forms of the cohort allocation pages (validation of what staff type; the rules live in
``services.allocations``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AllocationRun, OrganisationRanking


class OpenBriefForm(forms.Form):
    """Open a published brief to the cohort, optionally with fewer seats than its team."""

    brief = forms.IntegerField(widget=forms.HiddenInput)
    capacity = forms.IntegerField(
        label=_("Seats for the cohort"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("Leave empty to offer the whole team."),
        error_messages={
            "invalid": _("Type a number of seats."),
            "min_value": _("Offer at least one seat."),
            "max_value": _("A team has at most 10 students."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-seats"}),
    )


class OrganisationCapacityForm(forms.Form):
    """How many students of the cohort an organisation can host, over all its briefs."""

    capacity = forms.IntegerField(
        label=_("Students you can host from this cohort in total"),
        required=False,
        min_value=1,
        max_value=OrganisationRanking.MAX_CAPACITY,
        help_text=OrganisationRanking._meta.get_field("capacity").help_text,
        error_messages={
            "invalid": _("Type a whole number of students."),
            "min_value": _("Host at least one student, or leave the field empty."),
            "max_value": _("Type at most %(limit_value)s students."),
        },
        # Text, not number: a browser sends an empty value for letters typed in a number
        # field, which would silently clear the limit instead of showing an error.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class RunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to allocate"),
        choices=[
            (
                AllocationRun.Mode.STABLE,
                _(
                    "Stable: each student gets the best project they can without anyone "
                    "being treated unfairly (students' choices first)."
                ),
            ),
            (
                AllocationRun.Mode.WELFARE,
                _("Best overall fit: the greatest total match score over the whole cohort."),
            ),
        ],
        initial=AllocationRun.Mode.STABLE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how to allocate the students.")},
    )
    min_teams = forms.BooleanField(
        label=_("Respect each project's minimum team (best overall fit only)"),
        required=False,
        help_text=_(
            "A project then gets no student, or at least its minimum. The computation "
            "may take up to 20 seconds."
        ),
    )


class MoveForm(forms.Form):
    """Where to move one student: a brief of the run, or nowhere (``none``)."""

    UNPLACED = "none"

    student = forms.IntegerField(widget=forms.HiddenInput)
    brief = forms.ChoiceField(label=_("New project"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["brief"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(self.UNPLACED, _("Not placed")), *choices]
        field.error_messages["invalid_choice"] = _("Choose one of the projects of this allocation.")

    def brief_id(self) -> int | None:
        value = self.cleaned_data["brief"]
        return None if value == self.UNPLACED else int(value)
