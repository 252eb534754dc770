"""The filters of "Missions pour vous" (a GET form: the filter state is the query string)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..selectors.recommendations import RecommendationFilters
from ..taxonomy import NeedCategory


class RecommendationFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Kind of need"),
        required=False,
        choices=[("", _("All kinds of need")), *NeedCategory.choices],
    )
    work_mode = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[
            ("", _("Anywhere")),
            ("remote", _("Remote")),
            ("onsite", _("On site")),
            ("hybrid", _("Hybrid")),
        ],
    )
    hide_low = forms.BooleanField(label=_("Hide partial matches"), required=False)

    def filters(self) -> RecommendationFilters:
        """The valid filters; an unknown value is ignored rather than refused (a shared link
        may carry an old one)."""
        if not self.is_bound:
            return RecommendationFilters()
        self.is_valid()  # cleaned_data keeps the valid fields only
        data = self.cleaned_data
        return RecommendationFilters(
            need_category=data.get("category") or "",
            work_mode=data.get("work_mode") or "",
            hide_low=bool(data.get("hide_low")),
        )
