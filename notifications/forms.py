from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS, Audience, Delivery

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PreferencesForm(forms.Form):
    """One radio group per kind; the kinds that cannot be turned off are shown disabled."""

    def __init__(self, *args: Any, current: dict[str, Delivery], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, spec in KINDS.items():
            allowed = spec.allowed_deliveries()
            field = forms.ChoiceField(
                label=spec.label,
                choices=[(d.value, d.label) for d in allowed],
                initial=current[name].value,
                widget=forms.RadioSelect,
                # A kind left out of the POST keeps its current setting.
                required=False,
                disabled=len(allowed) == 1,
                help_text=format_lazy("{} {}", spec.mandatory_reason, _("It cannot be turned off."))
                if spec.mandatory_reason
                else "",
            )
            field.audience = spec.audience  # type: ignore[attr-defined]
            self.fields[name] = field

    def sections(self) -> list[tuple["StrOrPromise", list[forms.BoundField]]]:
        return [
            (audience.label, [self[name] for name, s in KINDS.items() if s.audience == audience])
            for audience in Audience
        ]

    def changed_deliveries(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if not self.fields[name].disabled and self.cleaned_data[name]
        }
