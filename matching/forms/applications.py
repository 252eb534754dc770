"""Forms of applications: they read input and hand plain values to the services, which
check the rules (lengths included) and answer with messages the forms show by the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from students.models import Enrolment

from ..models.applications import MOTIVATION_MAX_LENGTH, NOTE_MAX_LENGTH


class EnrolmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.cohort.name} · {obj.cohort.school.name}"


class ApplicationForm(forms.Form):
    enrolment = EnrolmentChoiceField(
        label=_("You apply with the cohort"),
        queryset=Enrolment.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    motivation = forms.CharField(
        label=_("Your motivation"),
        # The length is checked by the service, whose message says how long the text is;
        # the browser's own limit spares most people the round trip.
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": MOTIVATION_MAX_LENGTH}),
        help_text=_(
            "A few lines for the organisation: why this project matters to you, what you "
            "bring, what you would like to learn. At most 3,000 characters."
        ),
        error_messages={
            "required": _("Write a few lines: why this project matters to you and what you bring.")
        },
    )

    def __init__(self, *args: Any, enrolments: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enrolment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).select_related(
            "cohort__school"
        )
        if len(enrolments) <= 1:
            # One cohort: nothing to choose, the service takes it.
            del self.fields["enrolment"]


class DecisionForm(forms.Form):
    """The organisation's optional message with a shortlist, an acceptance or a decline."""

    note = forms.CharField(
        label=_("Message to the student"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        help_text=_("Optional. A kind word is always appreciated."),
    )


class RefusalForm(forms.Form):
    """A school staff member does not approve an application: the student reads why."""

    reason = forms.CharField(
        label=_("Why you do not approve it"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        help_text=_("The student reads this message."),
        error_messages={"required": _("Tell the student why, in a sentence or two.")},
    )
