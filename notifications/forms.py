from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import QueryDict

from .kinds import KINDS, Audience, Delivery, Kind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PreferencesForm(forms.Form):
    """One radio group per kind a person may change; mandatory kinds are listed, not fields.

    Only the ``audiences`` given get a section; the kinds of the others keep their setting.
    """

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        current: dict[str, Delivery],
        audiences: Collection[Audience] = tuple(Audience),
        **kwargs: Any,
    ) -> None:
        self.audiences = [audience for audience in Audience if audience in audiences]
        if data is not None:
            # A kind left out of the POST keeps its current setting.
            data = data.copy()
            for name, delivery in current.items():
                data.setdefault(name, delivery.value)
        super().__init__(data, **kwargs)
        for name, spec in KINDS.items():
            if not spec.can_turn_off or spec.audience not in self.audiences:
                continue
            self.fields[name] = forms.ChoiceField(
                label=spec.label,
                choices=[(d.value, d.label) for d in spec.allowed_deliveries()],
                initial=current[name].value,
                widget=forms.RadioSelect,
            )

    def sections(self) -> list[tuple["StrOrPromise", list[forms.BoundField], list[Kind]]]:
        """Per audience: the fields a person can change, and the kinds always sent."""
        return [
            (
                audience.label,
                [self[n] for n, s in KINDS.items() if s.audience == audience and s.can_turn_off],
                [s for s in KINDS.values() if s.audience == audience and not s.can_turn_off],
            )
            for audience in self.audiences
        ]

    def changed_deliveries(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.changed_data}
