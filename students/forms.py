"""Forms of the students app: they check input and hand plain data to the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching.models import Cause, Skill
from matching.selectors import skills_active
from matching.taxonomy import LEVEL_ERROR_MESSAGES, SkillCategory, SkillLevel

from .models import Cohort, School, SchoolStaff, StudentProfile
from .services import CohortDetails, ProfileDetails, SkillEntry
from .validators import normalise_email_domain

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Languages a student can work in (codes stored on the profile; "lsf": French sign language).
LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
    ("nl", _("Dutch")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("zh", _("Chinese")),
    ("lsf", _("French Sign Language")),
]
MAX_SKILLS = 40


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["name", "kind", "city"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"name": _("Name of the school"), "kind": _("Type of school")}


class StaffInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of your colleague"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=SchoolStaff.Role.choices,
        initial=SchoolStaff.Role.SUPERVISOR,
        widget=forms.RadioSelect,
        help_text=_(
            "Administrators manage the school, its staff and its cohorts. Supervisors follow "
            "the students of the cohorts and enrol them."
        ),
    )


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "programme",
            "starts_on",
            "ends_on",
            "expected_hours",
            "ects_credits",
            "application_policy",
            "max_accepted_applications",
            "max_students",
            "supervisors",
            "allowed_email_domain",
            "join_code_expires_on",
        ]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "join_code_expires_on": DATE_WIDGET,
            "application_policy": forms.RadioSelect,
            "supervisors": forms.CheckboxSelectMultiple,
        }
        labels = {
            "name": _("Name of the cohort"),
            "starts_on": _("Start of the projects"),
            "ends_on": _("End of the projects"),
            "application_policy": _("How students get a project"),
        }
        help_texts = {
            "name": _("For example “Web development 2026 — group A”."),
            "programme": _("The course or degree, e.g. “Engineering cycle, 4th year”."),
            "expected_hours": _("Hours each student gives to their project over the period."),
            "max_students": _("Leave empty for no limit. Nobody can join a full cohort."),
            "max_accepted_applications": _(
                "How many projects a student may be accepted on at the same time."
            ),
            "allowed_email_domain": _(
                "Only addresses of this domain can join with the code, e.g. isen.fr (its "
                "subdomains such as etu.isen.fr too). Leave empty to accept any address."
            ),
            "join_code_expires_on": _("Leave empty for a code that does not expire."),
        }

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisors"] = StaffChoiceField(
            queryset=User.objects.filter(school_memberships__school=school).order_by(
                "last_name", "first_name"
            ),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Supervisors"),
            help_text=_("Staff who follow this cohort and approve its applications."),
        )

    def clean_allowed_email_domain(self) -> str:
        return normalise_email_domain(self.cleaned_data["allowed_email_domain"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must be after the start date."))
        return data

    def to_details(self) -> CohortDetails:
        data = self.cleaned_data
        return CohortDetails(
            name=data["name"],
            programme=data["programme"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            expected_hours=data["expected_hours"],
            application_policy=data["application_policy"],
            ects_credits=data["ects_credits"],
            max_students=data["max_students"],
            max_accepted_applications=data["max_accepted_applications"],
            allowed_email_domain=data["allowed_email_domain"],
            join_code_expires_on=data["join_code_expires_on"],
            supervisors=list(data["supervisors"]),
        )


class CohortInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the student"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    group = forms.CharField(
        label=_("Group"),
        max_length=50,
        required=False,
        help_text=_("A class or tutorial group, if you use them."),
    )


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One student per line. Columns: email, first name, last name and, if you wish, "
            "group (in French or English). Separators “;” or “,”. At most 2,000 students "
            "and 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Cohort code"),
        max_length=20,
        help_text=_("The 8-character code your school gave you, e.g. K7MP-Q2XD."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


# --- Student profile -------------------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    # The model's validators (GitHub host, http(s) only) run on top of these.
    github_url = forms.URLField(
        label=_("GitHub profile"),
        required=False,
        assume_scheme="https",
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://github.com/…"}),
    )
    portfolio_url = forms.URLField(
        label=_("Portfolio or website"), required=False, assume_scheme="https", max_length=200
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can work in"),
        choices=LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = StudentProfile
        fields = [
            "hours_per_week",
            "available_from",
            "available_until",
            "city",
            "postcode",
            "remote_preference",
            "causes",
            "languages",
            "github_url",
            "portfolio_url",
            "bio",
            "visible_to_organisations",
        ]
        widgets = {
            "available_from": DATE_WIDGET,
            "available_until": DATE_WIDGET,
            "remote_preference": forms.RadioSelect,
            "causes": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 5, "maxlength": 1000}),
            "postcode": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 5}
            ),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }
        labels = {
            "hours_per_week": _("Hours per week you can give"),
            "available_from": _("Available from"),
            "available_until": _("Available until"),
            "remote_preference": _("Where you can work"),
            "causes": _("Causes you care about"),
            "visible_to_organisations": _("Organisations may see my profile"),
        }
        help_texts = {
            "bio": _(
                "A few sentences: what you like building, what you want to learn. 1,000 "
                "characters at most."
            ),
            "visible_to_organisations": _(
                "Off by default. When on, organisations of the platform can see your name, "
                "skills, availability, city, causes, links and presentation — never your email "
                "address. Your school always sees your profile. You can turn it off at any time."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        causes = self.fields["causes"]
        assert isinstance(causes, forms.ModelMultipleChoiceField)
        causes.queryset = Cause.objects.order_by("name_fr")
        self.fields["hours_per_week"].widget.attrs.update({"min": 1, "max": 60})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("The end date must be after the start date."))
        return data

    def to_details(self) -> ProfileDetails:
        data = self.cleaned_data
        return ProfileDetails(
            hours_per_week=data["hours_per_week"],
            available_from=data["available_from"],
            available_until=data["available_until"],
            city=data["city"],
            postcode=data["postcode"],
            remote_preference=data["remote_preference"],
            causes=list(data["causes"]),
            languages=list(data["languages"]),
            github_url=data["github_url"],
            portfolio_url=data["portfolio_url"],
            bio=data["bio"],
            visible_to_organisations=data["visible_to_organisations"],
        )


def skill_choices() -> tuple[list[Any], dict[str, Skill]]:
    """Skills grouped by category for a <select>, and the skills by id (one query)."""
    skills = list(skills_active().order_by("category", "name_fr"))
    by_category: dict[str, list[tuple[str, str]]] = {}
    for skill in skills:
        by_category.setdefault(skill.category, []).append((str(skill.pk), skill.name))
    labels = dict(SkillCategory.choices)
    grouped: list[Any] = [("", _("Choose a skill"))]
    grouped += [
        (labels.get(category, category), sorted(options, key=lambda o: o[1].casefold()))
        for category, options in by_category.items()
    ]
    return grouped, {str(skill.pk): skill for skill in skills}


class SkillRowForm(forms.Form):
    skill = forms.ChoiceField(label=_("Skill"))
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        choices=[(value, f"{value} — {label}") for value, label in SkillLevel.choices],
        initial=SkillLevel.NOTIONS,
        error_messages=LEVEL_ERROR_MESSAGES,
    )
    wants_to_learn = forms.BooleanField(
        label=_("I want to learn it (I do not have it yet)"), required=False
    )

    def __init__(
        self, *args: Any, skill_options: list[Any], skills_by_id: dict[str, Skill], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skills_by_id = skills_by_id
        field = self.fields["skill"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = skill_options

    def clean_skill(self) -> Skill | None:
        value = self.cleaned_data["skill"]
        return self.skills_by_id.get(value) if value else None


def _deleted(form: forms.Form) -> bool:
    return bool(form.cleaned_data.get("DELETE"))


class BaseSkillFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove from my list")

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            skill = form.cleaned_data.get("skill")
            if skill is None or _deleted(form):
                continue
            if skill.pk in seen:
                form.add_error("skill", _("This skill is already in your list."))
            seen.add(skill.pk)
        if any(self.errors):
            raise ValidationError(_("Each skill can appear only once."))

    def entries(self) -> list[SkillEntry]:
        return [
            SkillEntry(
                skill=form.cleaned_data["skill"],
                level=form.cleaned_data["level"],
                wants_to_learn=form.cleaned_data["wants_to_learn"],
            )
            for form in self.forms
            if form.cleaned_data.get("skill") and not _deleted(form)
        ]


SkillFormSet = forms.formset_factory(
    SkillRowForm,
    formset=BaseSkillFormSet,
    extra=3,
    can_delete=True,
    max_num=MAX_SKILLS,
    validate_max=True,
)


def skill_formset(profile: StudentProfile | None, data: Any = None) -> BaseSkillFormSet:
    options, by_id = skill_choices()
    initial = []
    if profile is not None and profile.pk:
        initial = [
            {"skill": str(row.skill_id), "level": row.level, "wants_to_learn": row.wants_to_learn}
            for row in profile.skills.all()
        ]
    return SkillFormSet(  # type: ignore[return-value]
        data,
        initial=initial,
        prefix="skills",
        form_kwargs={"skill_options": options, "skills_by_id": by_id},
    )
