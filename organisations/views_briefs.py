"""Pages of briefs: the public catalogue and detail, the guided form, the workflow buttons."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest

from . import selectors, services
from .forms import (
    BaseBriefSkillFormSet,
    BriefOutcomeForm,
    BriefPracticalForm,
    BriefProblemForm,
    BriefSkillFormSet,
    grouped_skill_choices,
)
from .guidance import GUIDES, guide_for
from .models import Brief, Organisation
from .workflow import BRIEF_TRANSITIONS, Actor, available_actions


@dataclass(frozen=True)
class Step:
    slug: str
    label: Promise
    title: Promise


STEPS = [
    Step("problem", gettext_lazy("Your need"), gettext_lazy("The problem, in your own words")),
    Step("outcome", gettext_lazy("Success"), gettext_lazy("What success looks like")),
    Step("practical", gettext_lazy("Practical details"), gettext_lazy("Team, dates and place")),
    Step("skills", gettext_lazy("Skills"), gettext_lazy("The skills you are looking for")),
    Step("review", gettext_lazy("Review and send"), gettext_lazy("Review and send")),
]
STEP_SLUGS = [step.slug for step in STEPS]
FORM_STEPS: dict[str, Any] = {
    "problem": BriefProblemForm,
    "outcome": BriefOutcomeForm,
    "practical": BriefPracticalForm,
}


def _member_brief(request: AuthenticatedHttpRequest, pk: int) -> Brief:
    return get_object_or_404(
        Brief.objects.of_member(request.user).select_related("organisation"), pk=pk
    )


def _steps_context(current: str, missing: list[str] | None = None) -> dict[str, Any]:
    index = STEP_SLUGS.index(current)
    return {
        "steps": STEPS,
        "current_step": STEPS[index],
        "current_index": index,
        "previous_step": STEPS[index - 1] if index > 0 else None,
        "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else None,
        "missing": missing or [],
    }


def _next_url(brief: Brief, step: str) -> str:
    index = STEP_SLUGS.index(step)
    following = STEP_SLUGS[index + 1]
    if following == "review":
        return reverse("briefs:review", kwargs={"pk": brief.pk})
    return reverse("briefs:edit", kwargs={"pk": brief.pk, "step": following})


# --- Public ------------------------------------------------------------------------------

FACETS = (
    "category",
    "skill",
    "cause",
    "work_mode",
    "place",
    "effort",
    "start_after",
    "start_before",
)


@login_not_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Published briefs with facets and full-text search; htmx swaps only the results."""
    result = selectors.brief_catalogue(params=request.GET, page_number=request.GET.get("page"))
    context = {
        "catalogue": result,
        "filterset": result.filterset,
        "page": result.page,
        "facets_active": any(request.GET.get(name) for name in FACETS),
    }
    if request.htmx and request.htmx.target == "catalogue-results":  # type: ignore[attr-defined]
        return render(request, "organisations/catalogue_results.html", context)
    return render(request, "organisations/catalogue.html", context)


@login_not_required
def brief_detail(request: HttpRequest, pk: int) -> HttpResponse:
    brief = selectors.brief_for_detail(user=request.user, pk=pk)
    if brief is None:
        raise Http404
    actors = (
        selectors.organisation_actors(organisation=brief.organisation, user=request.user)  # type: ignore[arg-type]
        if request.user.is_authenticated
        else set()
    )
    is_member = Actor.MEMBER in actors
    context = {
        "brief": brief,
        "guide": guide_for(brief.need_category),
        "is_member": is_member,
        "actions": available_actions(BRIEF_TRANSITIONS, brief.state, actors - {Actor.MODERATOR})
        if is_member
        else [],
        "similar": selectors.briefs_similar_to(brief=brief) if brief.state == "published" else [],
    }
    return render(request, "organisations/brief_detail.html", context)


# --- The guided form ---------------------------------------------------------------------


def brief_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = Organisation.objects.of_member(request.user)
    count = organisations.count()
    if count == 0:
        messages.info(request, _("Register your organisation first, then describe its need."))
        return redirect("organisations:create")
    chosen = organisations.filter(pk=request.GET.get("organisation") or 0).first()
    form = BriefProblemForm(
        request.POST or None,
        organisations=organisations if count > 1 else None,
        initial={"organisation": chosen},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation", None) or organisations.get()
        try:
            brief = services.brief_create(
                organisation=organisation, acting_user=request.user, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved. Next: what success looks like."))
            return redirect("briefs:edit", pk=brief.pk, step="outcome")
    context = {"form": form, "brief": None, "guides": GUIDES, **_steps_context("problem")}
    return render(request, "organisations/brief_form.html", context)


def brief_edit(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    brief = _member_brief(request, pk)
    if step not in STEP_SLUGS or step == "review":
        raise Http404
    if not brief.is_editable:
        messages.info(request, _("This brief is no longer a draft: it cannot be changed."))
        return redirect(brief)
    if step == "skills":
        return _edit_skills(request, brief)
    form_class = FORM_STEPS[step]
    kwargs: dict[str, Any] = {"initial": _initial(brief, form_class)}
    if form_class is BriefPracticalForm:
        # A duplicated brief may keep an old start date until the author changes it.
        kwargs["check_past_start"] = request.POST.get("start_date") != _iso(brief.start_date)
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.brief_update(brief=brief, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_save(request, brief, step)
    context = {
        "form": form,
        "brief": brief,
        "guide": guide_for(brief.need_category),
        "guides": GUIDES,
        **_steps_context(step),
    }
    return render(request, "organisations/brief_form.html", context)


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def _initial(brief: Brief, form_class: Any) -> dict[str, Any]:
    return {name: getattr(brief, name) for name in form_class.base_fields if hasattr(brief, name)}


def _after_save(request: AuthenticatedHttpRequest, brief: Brief, step: str) -> HttpResponse:
    if "save_draft" in request.POST:
        messages.success(request, _("Draft saved. You can come back to it at any time."))
        return redirect(brief.organisation)
    return redirect(_next_url(brief, step))


def _edit_skills(request: AuthenticatedHttpRequest, brief: Brief) -> HttpResponse:
    rows = list(brief.brief_skills.select_related("skill"))
    initial = [{"skill": row.skill_id, "level": row.level, "weight": row.weight} for row in rows]
    formset = cast(
        BaseBriefSkillFormSet,
        BriefSkillFormSet(
            request.POST or None,
            initial=initial,
            prefix="skills",
            form_kwargs={"skill_choices": grouped_skill_choices()},
        ),
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.brief_set_skills(brief=brief, acting_user=request.user, skills=formset.rows())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if "add_skill" in request.POST:
                messages.success(request, _("Skills saved."))
                return redirect("briefs:edit", pk=brief.pk, step="skills")
            return _after_save(request, brief, "skills")
    names = {row.skill_id: row.skill for row in rows}
    context = {
        "formset": formset,
        "brief": brief,
        "skill_rows": [(form, names.get(form.initial.get("skill"))) for form in formset.forms],
        "new_skill_id": f"id_skills-{len(initial)}-skill",
        "guide": guide_for(brief.need_category),
        **_steps_context("skills"),
    }
    return render(request, "organisations/brief_skills_form.html", context)


def brief_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    brief = _member_brief(request, pk)
    brief = selectors.brief_for_detail(user=request.user, pk=brief.pk) or brief
    actors = selectors.organisation_actors(organisation=brief.organisation, user=request.user)
    missing = selectors.brief_missing_parts(brief, has_skills=bool(brief.brief_skills.all()))
    context = {
        "brief": brief,
        "guide": guide_for(brief.need_category),
        "can_submit": "submit"
        in available_actions(BRIEF_TRANSITIONS, brief.state, actors - {Actor.MODERATOR}),
        "owners": brief.organisation.memberships.filter(role="owner").select_related("user"),
        **_steps_context("review", missing),
    }
    return render(request, "organisations/brief_review.html", context)


# --- Workflow buttons --------------------------------------------------------------------


def _transition(
    request: AuthenticatedHttpRequest,
    pk: int,
    service: Callable[..., Brief],
    success: str,
) -> HttpResponse:
    brief = _member_brief(request, pk)
    try:
        service(brief=brief, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(brief)
    messages.success(request, success)
    return redirect(brief.organisation)


@require_POST
def brief_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        services.brief_submit,
        _("Sent! A moderator will review your brief, usually within two working days."),
    )


@require_POST
def brief_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.brief_cancel, _("The brief is cancelled."))


@require_POST
def brief_deliver(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, services.brief_deliver, _("Well done! The project is marked as delivered.")
    )


@require_POST
def brief_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.brief_close, _("The project is closed."))


@require_POST
def brief_duplicate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    brief = _member_brief(request, pk)
    copy = services.brief_duplicate(brief=brief, acting_user=request.user)
    messages.success(
        request, _("A copy is ready as a new draft. Check each step, then choose new dates.")
    )
    return redirect("briefs:edit", pk=copy.pk, step="problem")
