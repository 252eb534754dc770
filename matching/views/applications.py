"""Pages of applications, one set per role.

- students: "My applications", the apply form, withdraw;
- organisations: a brief's applications with shortlist / accept / decline and "start the
  project", the team;
- school staff: a cohort's applications and its approvals queue.

Every object comes from a queryset scoped to the person (``Application.objects.of_student``,
``received_by``, ``supervised_by``; ``Brief.objects.of_member``; ``Cohort.objects
.visible_to``): someone else's application, brief or cohort is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from organisations.models import Brief
from organisations.selectors import briefs_with_card_data
from students.models import Cohort

from ..forms.applications import ApplicationForm, DecisionForm, RefusalForm
from ..models import Application, ApplicationState
from ..selectors import applications as selectors
from ..services import applications as services

S = ApplicationState


def _add_service_error(form: BaseForm, error: ValidationError) -> None:
    """A service's error names the field it is about, if the form shows that field;
    anything else is shown above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _flash_errors(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Students ---------------------------------------------------------------------------------


def my_applications(request: AuthenticatedHttpRequest) -> HttpResponse:
    applications = selectors.applications_of_student(student=request.user)
    return render(
        request,
        "matching/applications/my_applications.html",
        {
            "open_applications": [a for a in applications if a.is_open],
            "accepted": [a for a in applications if a.state == S.ACCEPTED],
            "closed": [a for a in applications if a.state in (S.DECLINED, S.WITHDRAWN)],
            "total": len(applications),
        },
    )


@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    brief = get_object_or_404(briefs_with_card_data(Brief.objects.visible_to(request.user)), pk=pk)
    check = services.application_apply_check(student=request.user, brief=brief)
    if check.existing is not None and check.existing.state != S.WITHDRAWN:
        messages.info(
            request, _("You have already applied to this project. Here is where it stands.")
        )
        return redirect(_my_application_url(check.existing))
    form = ApplicationForm(request.POST or None, enrolments=check.enrolments)
    if request.method == "POST" and check.allowed and form.is_valid():
        try:
            application = services.application_submit(
                student=request.user,
                brief=brief,
                motivation=form.cleaned_data["motivation"],
                enrolment=form.cleaned_data.get("enrolment"),
                acting_user=request.user,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            if application.state == S.AWAITING_APPROVAL:
                messages.success(
                    request,
                    _(
                        "Your application is sent to your school for approval. The "
                        "organisation will see it once a supervisor approves it."
                    ),
                )
            else:
                messages.success(
                    request, _("Your application is sent. The organisation will answer you here.")
                )
            return redirect(_my_application_url(application))
    return render(
        request,
        "matching/applications/apply.html",
        {"brief": brief, "check": check, "form": form, "policy": _policy_of(check)},
        status=400 if request.method == "POST" else 200,
    )


def _policy_of(check: services.ApplyCheck) -> str:
    """The approval policy the student applies under, when there is no choice to make."""
    if len(check.enrolments) == 1:
        return check.enrolments[0].cohort.application_policy
    return ""


def _my_application_url(application: Application) -> str:
    return reverse("matching:my_applications") + f"#application-{application.pk}"


@require_POST
def application_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.of_student(request.user).select_related("brief"), pk=pk
    )
    try:
        services.application_withdraw(application=application, acting_user=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(
            request,
            _("Your application to “%(title)s” is withdrawn.") % {"title": application.brief.title},
        )
    return redirect(_my_application_url(application))


# --- Organisations ----------------------------------------------------------------------------


def _member_brief(request: AuthenticatedHttpRequest, pk: int) -> Brief:
    return get_object_or_404(
        Brief.objects.of_member(request.user).select_related("organisation"), pk=pk
    )


def brief_applications(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    bound: dict[int, DecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    brief = _member_brief(request, pk)
    data = selectors.applications_for_brief(brief=brief, user=request.user)
    bound = bound or {}
    for application in [*data.to_answer, *data.shortlisted]:
        application.decision_form = bound.get(application.pk) or DecisionForm(  # type: ignore[attr-defined]
            auto_id=f"id_%s_{application.pk}"
        )
    return render(
        request,
        "matching/applications/brief_applications.html",
        {"brief": brief, "data": data},
        status=status,
    )


def _decide(
    request: AuthenticatedHttpRequest, pk: int, decide: Callable[..., Application], success: str
) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.received_by(request.user).select_related("brief", "student"), pk=pk
    )
    form = DecisionForm(request.POST, auto_id=f"id_%s_{application.pk}")
    if form.is_valid():
        try:
            decide(
                application=application, note=form.cleaned_data["note"], acting_user=request.user
            )
        except ValidationError as error:
            if not getattr(error, "error_dict", None):
                _flash_errors(request, error)
                return redirect(_brief_application_url(application))
            _add_service_error(form, error)
        else:
            messages.success(request, success % {"name": application.student.display_name})
            return redirect(_brief_application_url(application))
    return brief_applications(
        request, application.brief_id, bound={application.pk: form}, status=400
    )


def _brief_application_url(application: Application) -> str:
    return (
        reverse("matching:brief_applications", kwargs={"pk": application.brief_id})
        + f"#application-{application.pk}"
    )


@require_POST
def application_shortlist(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.application_shortlist,
        _("%(name)s is shortlisted. They have been told."),
    )


@require_POST
def application_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.application_accept,
        _("%(name)s joins the team. They have been told."),
    )


@require_POST
def application_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.application_decline,
        _(
            "The application of %(name)s is declined. They receive your message and "
            "similar projects."
        ),
    )


@require_POST
def project_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    brief = _member_brief(request, pk)
    try:
        services.project_start(brief=brief, acting_user=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("The project has started. Good work to the team!"))
    return redirect("matching:brief_applications", pk=brief.pk)


# --- School staff -----------------------------------------------------------------------------


def _staff_cohort(request: AuthenticatedHttpRequest, pk: int) -> Cohort:
    return get_object_or_404(
        Cohort.objects.visible_to(request.user).select_related("school"), pk=pk
    )


def cohort_applications(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    bound: dict[int, RefusalForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    cohort = _staff_cohort(request, pk)
    state = request.GET.get("state", "")
    if state not in S.values:
        state = ""
    data = selectors.applications_for_cohort(cohort=cohort, state=state)
    bound = bound or {}
    for application in data.awaiting_approval:
        application.refusal_form = bound.get(application.pk) or RefusalForm(  # type: ignore[attr-defined]
            auto_id=f"id_%s_{application.pk}"
        )
    return render(
        request,
        "matching/applications/cohort_applications.html",
        {
            "cohort": cohort,
            "data": data,
            "state": state,
            "states": [
                (value, label) for value, label in S.choices if value != S.AWAITING_APPROVAL
            ],
        },
        status=status,
    )


def _supervised_application(request: AuthenticatedHttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.supervised_by(request.user).select_related(
            "student", "brief", "enrolment__cohort"
        ),
        pk=pk,
    )


def _cohort_application_url(application: Application) -> str:
    return (
        reverse("matching:cohort_applications", kwargs={"pk": application.enrolment.cohort_id})
        + f"#application-{application.pk}"
    )


@require_POST
def application_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _supervised_application(request, pk)
    try:
        services.application_approve(application=application, acting_user=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(
            request,
            _("Approved: “%(title)s” now receives the application of %(name)s.")
            % {"title": application.brief.title, "name": application.student.display_name},
        )
    return redirect(_cohort_application_url(application))


@require_POST
def application_refuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _supervised_application(request, pk)
    form = RefusalForm(request.POST, auto_id=f"id_%s_{application.pk}")
    if form.is_valid():
        try:
            services.application_refuse_approval(
                application=application,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            if not getattr(error, "error_dict", None):
                _flash_errors(request, error)
                return redirect(_cohort_application_url(application))
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The application of %(name)s is not approved. They can read your reason.")
                % {"name": application.student.display_name},
            )
            return redirect(_cohort_application_url(application))
    return cohort_applications(
        request, application.enrolment.cohort_id, bound={application.pk: form}, status=400
    )
