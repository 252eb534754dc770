"""Forms of the organisations app: they parse and check input; services do the writing."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from matching.models import Cause, Skill
from matching.taxonomy import (
    LEVEL_ERROR_MESSAGES,
    NeedCategory,
    SkillCategory,
    SkillLevel,
    SkillWeight,
)

from . import logo as logos
from .guidance import guide_for
from .identifiers import normalise_identifier
from .models import LONG_TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, LegalForm, Organisation, WorkMode
from .templatetags.organisations import category_icon
from .validators import (
    reject_markup,
    validate_postcode,
    validate_rna,
    validate_siren_or_siret,
    validate_web_url,
)


def _textarea(rows: int = 6, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class CauseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class WebAddressField(forms.URLField):
    """http(s) addresses only, with one clear message whatever is wrong."""

    default_validators = [validate_web_url]
    default_error_messages = {"invalid": validate_web_url.message}


# --- Organisations -----------------------------------------------------------------------

ONE_OF_TWO_FIELD = "organisations/forms/one_of_two_field.html"


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=150,
        validators=[reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=LegalForm.choices, widget=forms.RadioSelect
    )
    # Neither number is required alone, but one of the two is (clean()): their labels say so.
    # (django-stubs' CharField does not know Django 5.0's template_name yet.)
    rna = forms.CharField(  # type: ignore[call-arg]
        label=_("RNA number"),
        required=False,
        template_name=ONE_OF_TWO_FIELD,
        max_length=20,
        validators=[validate_rna],
        help_text=_(
            "Associations: the number on your receipt from the prefecture (W followed by 9 digits)."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )
    siren_or_siret = forms.CharField(  # type: ignore[call-arg]
        label=_("SIREN or SIRET number"),
        required=False,
        template_name=ONE_OF_TWO_FIELD,
        max_length=20,
        validators=[validate_siren_or_siret],
        help_text=_(
            "9 digits (SIREN) or 14 digits (SIRET), as on your INSEE notice. "
            "Moderators use these numbers to verify your organisation."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    causes = CauseChoiceField(
        label=_("Causes you work for"),
        queryset=Cause.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose up to 5. Students who care about them will see your projects first."),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        validators=[reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=5,
        validators=[validate_postcode],
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 6}
        ),
    )
    website = WebAddressField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
    )
    description = forms.CharField(
        label=_("Your organisation in a few sentences"),
        max_length=2000,
        validators=[reject_markup],
        help_text=_("What you do, for whom, and where. Students read this first."),
        widget=_textarea(5),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP image, 2 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": logos.ACCEPT}),
    )

    MAX_CAUSES = 5

    def __init__(self, *args: Any, organisation: Organisation | None = None, **kwargs: Any):
        if organisation is not None:
            kwargs.setdefault("initial", {}).update(self.initial_for(organisation))
        super().__init__(*args, **kwargs)
        # The clear checkbox of ClearableFileInput is labelled for us; keep it simple.
        self.fields["logo"].widget = forms.FileInput(attrs={"accept": logos.ACCEPT})

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, Any]:
        return {
            "name": organisation.name,
            "legal_form": organisation.legal_form,
            "rna": organisation.rna,
            "siren_or_siret": organisation.siret or organisation.siren,
            "causes": list(organisation.causes.all()),
            "city": organisation.city,
            "postcode": organisation.postcode,
            "website": organisation.website,
            "description": organisation.description,
        }

    def clean_rna(self) -> str:
        return normalise_identifier(self.cleaned_data["rna"])

    def clean_causes(self) -> Iterable[Cause]:
        causes = self.cleaned_data["causes"]
        if len(causes) > self.MAX_CAUSES:
            raise ValidationError(_("Choose 5 causes at most."), code="too_many")
        return causes

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        return logos.process_logo(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("rna") and not cleaned.get("siren_or_siret"):
            message = _("Give your RNA number or your SIREN/SIRET number.")
            self.add_error("rna", message)
            self.add_error("siren_or_siret", message)
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """cleaned_data shaped as the services' keyword arguments."""
        data = dict(self.cleaned_data)
        number = normalise_identifier(data.pop("siren_or_siret", ""))
        data["siren"] = number[:9]
        data["siret"] = number if len(number) == 14 else ""
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person to invite"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


# --- Briefs ------------------------------------------------------------------------------


def _category_choices() -> list[tuple[str, str]]:
    """Each kind of need with its pictogram and a one-line description, for the radio list."""
    return [
        (
            value,
            format_html(
                '<span class="category-option">{} <strong>{}</strong> '
                '<span class="muted">{}</span></span>',
                category_icon(value),
                label,
                guide_for(value).summary,
            ),
        )
        for value, label in NeedCategory.choices
    ]


class BriefProblemForm(forms.Form):
    """Step 1: the problem, in the organisation's own words."""

    organisation = forms.ModelChoiceField(
        label=_("For which organisation?"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=_("A short title"),
        max_length=TITLE_MAX_LENGTH,
        validators=[reject_markup],
        help_text=_("e.g. “A website where our members renew their membership online”"),
    )
    need_category = forms.ChoiceField(
        label=_("What kind of need is it?"),
        choices=_category_choices,
        widget=forms.RadioSelect,
    )
    problem = forms.CharField(
        label=_("The problem, in your own words"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=[reject_markup],
        help_text=_(
            "What happens today, who it affects, and what it costs you. No technical words "
            "needed: students will ask their questions."
        ),
        widget=_textarea(8),
    )
    existing_tools = forms.CharField(
        label=_("What you use today"),
        required=False,
        max_length=2000,
        validators=[reject_markup],
        help_text=_("Spreadsheets, software, website host… if you know."),
        widget=_textarea(3),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            field = self.fields["organisation"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = organisations


class BriefOutcomeForm(forms.Form):
    """Step 2: what success looks like."""

    expected_outcome = forms.CharField(
        label=_("What would success look like?"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=[reject_markup],
        help_text=_(
            "Describe the result you hope for at the end of the project: what you will be "
            "able to do, and for whom. A few lines are enough."
        ),
        widget=_textarea(8),
    )


TEAM_SIZE_HELP = _("Students usually work in teams of 2 to 5.")


class BriefPracticalForm(forms.Form):
    """Step 3: team, effort, dates and place."""

    team_min = forms.IntegerField(
        label=_("Smallest team"), min_value=1, max_value=10, initial=2, help_text=TEAM_SIZE_HELP
    )
    team_max = forms.IntegerField(label=_("Largest team"), min_value=1, max_value=10, initial=4)
    effort_hours = forms.IntegerField(
        label=_("Estimated effort, in hours for the whole team"),
        min_value=5,
        max_value=5000,
        help_text=_(
            "A rough idea is enough. For scale: a simple website is about 60 to 120 hours, "
            "a members database 100 to 250 hours."
        ),
    )
    start_date = forms.DateField(
        label=_("Earliest start"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("School projects last from 4 weeks to a semester."),
    )
    work_mode = forms.ChoiceField(
        label=_("Where will the students work?"),
        choices=WorkMode.choices,
        widget=forms.RadioSelect,
        initial=WorkMode.REMOTE,
    )
    city = forms.CharField(
        label=_("City"),
        required=False,
        max_length=100,
        validators=[reject_markup],
        help_text=_("Required for on-site or hybrid work."),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=5,
        validators=[validate_postcode],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )

    def __init__(self, *args: Any, check_past_start: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check_past_start = check_past_start

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        team_min, team_max = cleaned.get("team_min"), cleaned.get("team_max")
        if team_min and team_max and team_min > team_max:
            self.add_error(
                "team_max", _("The largest team cannot be smaller than the smallest team.")
            )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and self.check_past_start and start < timezone.localdate():
            self.add_error("start_date", _("This date is already past."))
        if start and end and end < start:
            self.add_error("end_date", _("The deadline must come after the start."))
        if cleaned.get("work_mode") in (WorkMode.ONSITE, WorkMode.HYBRID):
            for name in ("city", "postcode"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Required when students come to you."))
        return cleaned


SKILL_CHOICES_CACHE_SECONDS = 600


def grouped_skill_choices() -> list[tuple[Any, Any]]:
    """Active skills grouped by category for a <select>, cached per language for a few
    minutes: a few hundred rows the catalogue would otherwise load on every page."""
    key = f"organisations:skill-choices:v1:{get_language()}"
    choices = cache.get(key)
    if choices is None:
        groups: dict[str, list[tuple[int, str]]] = {}
        skills = Skill.objects.filter(is_active=True).only("pk", "name_fr", "name_en", "category")
        for skill in skills:
            groups.setdefault(skill.category, []).append((skill.pk, skill.name))
        choices = [("", str(_("Choose a skill")))]
        for category, label in SkillCategory.choices:
            if category in groups:
                choices.append((str(label), sorted(groups[category], key=lambda c: c[1])))
        cache.set(key, choices, SKILL_CHOICES_CACHE_SECONDS)
    return choices


class BriefSkillForm(forms.Form):
    skill = forms.TypedChoiceField(label=_("Skill"), coerce=int)
    level = forms.TypedChoiceField(
        label=_("Level expected"),
        choices=SkillLevel.choices,
        coerce=int,
        initial=SkillLevel.INTERMEDIATE,
        error_messages=LEVEL_ERROR_MESSAGES,
    )
    weight = forms.TypedChoiceField(
        label=_("Importance"),
        choices=SkillWeight.choices,
        coerce=int,
        initial=SkillWeight.IMPORTANT,
    )

    def __init__(self, *args: Any, skill_choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skill_field = self.fields["skill"]
        assert isinstance(skill_field, forms.TypedChoiceField)
        skill_field.choices = skill_choices
        if self.initial.get("skill"):
            # Rows already chosen show their name; only level, weight and removal change.
            skill_field.widget = forms.HiddenInput()


class BaseBriefSkillFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            if not form.has_changed() and not form.initial:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            skill_id = form.cleaned_data.get("skill")
            if skill_id in seen:
                form.add_error("skill", _("This skill is already in the list."))
            seen.add(skill_id)

    def rows(self) -> list[tuple[Skill, int, int]]:
        """The kept rows as (skill, level, weight), in the order shown."""
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("skill") and not form.cleaned_data.get("DELETE")
        ]
        skills = Skill.objects.in_bulk([row["skill"] for row in kept])
        return [(skills[row["skill"]], row["level"], row["weight"]) for row in kept]


BriefSkillFormSet = forms.formset_factory(
    BriefSkillForm, formset=BaseBriefSkillFormSet, extra=1, can_delete=True, max_num=25
)


class ReasonForm(forms.Form):
    """Moderators say why (admin intermediate page)."""

    reason = forms.CharField(
        label=_("Reason, shown to the organisation"),
        max_length=2000,
        widget=_textarea(5),
        help_text=_("Say what to change, kindly and precisely: they will read it."),
    )
