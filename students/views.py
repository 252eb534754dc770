"""Pages of schools, cohorts and student profiles.

Every object is reached through a queryset scoped to the person (``visible_to``): another
school's cohort or another student's profile is a 404. Within a school, actions reserved to
administrators answer 403 to supervisors, who can see the object anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import verified_addresses

from . import selectors, services
from .csv_export import to_csv
from .csv_import import MAX_BYTES, parse_roster
from .forms import (
    LANGUAGES,
    CohortForm,
    CohortInviteForm,
    JoinForm,
    ProfileForm,
    RosterUploadForm,
    SchoolForm,
    StaffInviteForm,
    skill_formset,
)
from .models import (
    Cohort,
    CohortInvitation,
    Enrolment,
    RosterImport,
    School,
    SchoolInvitation,
    SchoolStaff,
    StudentProfile,
)
from .selectors import RosterFilter
from .tokens import ExpiredToken, InvalidToken

# A join code is 8 characters from 32: guessing is hopeless, and failures are capped anyway.
JOIN_ATTEMPTS = 10
JOIN_WINDOW_SECONDS = 15 * 60


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _school_for_staff(request: HttpRequest, pk: int, *, admin: bool = False) -> School:
    school = get_object_or_404(
        School.objects.visible_to(request.user).annotate(
            my_role=selectors._my_role(_user(request))
        ),
        pk=pk,
    )
    if admin and school.my_role != SchoolStaff.Role.ADMIN:  # type: ignore[attr-defined]
        raise PermissionDenied
    return school


def _cohort_for_staff(request: HttpRequest, pk: int, *, admin: bool = False) -> Cohort:
    cohort = get_object_or_404(
        Cohort.objects.visible_to(request.user).select_related("school"), pk=pk
    )
    if admin and selectors.school_staff_role(school=cohort.school, user=_user(request)) != (
        SchoolStaff.Role.ADMIN
    ):
        raise PermissionDenied
    return cohort


def _form_errors(form: BaseForm, error: ValidationError) -> None:
    # A service's error names the form field it is about (or none: shown above the form).
    form.add_error(None, error)


def _message_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Schools ---------------------------------------------------------------------------------


def school_list(request: HttpRequest) -> HttpResponse:
    schools = selectors.schools_of_staff(user=_user(request))
    return render(request, "students/school_list.html", {"schools": schools})


def school_create(request: HttpRequest) -> HttpResponse:
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        school = services.school_create(**form.cleaned_data, acting_user=_user(request))
        messages.success(request, _("Your school is registered. Now create your first cohort."))
        return redirect("students:cohort_create", pk=school.pk)
    return render(request, "students/school_form.html", {"form": form, "school": None})


def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school_for_staff(request, pk)
    staff = list(
        school.staff.select_related("user").order_by("user__last_name", "user__first_name")
    )
    cohorts = selectors.schools_of_staff(user=_user(request)).get(pk=pk).cohorts.all()
    invitations = school.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("email")
    return render(
        request,
        "students/school_detail.html",
        {
            "school": school,
            "staff": staff,
            "cohorts": cohorts,
            "invitations": invitations,
            "is_admin": school.my_role == SchoolStaff.Role.ADMIN,  # type: ignore[attr-defined]
            # The last administrator cannot leave: the button is not offered.
            "sole_admin": sum(1 for m in staff if m.role == SchoolStaff.Role.ADMIN) == 1,
            "now": timezone.now(),
        },
    )


def school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school_for_staff(request, pk, admin=True)
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        services.school_update(school=school, **form.cleaned_data, acting_user=_user(request))
        messages.success(request, _("The school has been updated."))
        return redirect("students:school_detail", pk=school.pk)
    return render(request, "students/school_form.html", {"form": form, "school": school})


def school_staff_invite(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school_for_staff(request, pk, admin=True)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.school_staff_invite(
                school=school, **form.cleaned_data, acting_user=_user(request)
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s. It is valid for 14 days.")
                % {"email": invitation.email},
            )
            return redirect("students:school_detail", pk=school.pk)
    return render(request, "students/staff_invite.html", {"form": form, "school": school})


@require_POST
def school_staff_remove(request: HttpRequest, pk: int, staff_pk: int) -> HttpResponse:
    school = _school_for_staff(request, pk)
    membership = get_object_or_404(school.staff.select_related("user", "school"), pk=staff_pk)
    try:
        services.school_staff_remove(membership=membership, acting_user=_user(request))
    except ValidationError as error:
        _message_errors(request, error)
        return redirect("students:school_detail", pk=school.pk)
    if membership.user_id == request.user.pk:
        messages.success(request, _("You have left %(school)s.") % {"school": school.name})
        return redirect("students:school_list")
    messages.success(
        request,
        _("%(name)s is no longer a staff member of the school.")
        % {"name": membership.user.display_name},
    )
    return redirect("students:school_detail", pk=school.pk)


@require_POST
def school_invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    school = _school_for_staff(request, pk, admin=True)
    invitation = get_object_or_404(school.invitations.select_related("school"), pk=invitation_pk)
    services.school_invitation_revoke(invitation=invitation, acting_user=_user(request))
    messages.success(request, _("The invitation has been withdrawn."))
    return redirect("students:school_detail", pk=school.pk)


@login_not_required
def school_invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation, problem = _invitation_or_problem(selectors.school_invitation_from_token, token)
    if request.method == "POST" and invitation is not None and not problem:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.school_invitation_accept(invitation=invitation, acting_user=_user(request))
        except ValidationError as error:
            problem = error.messages[0]
        else:
            return _staff_joined(request, invitation)
    return render(
        request,
        "students/invitation_accept.html",
        {
            "invitation": invitation,
            "problem": problem,
            "kind": "school",
            "place_name": invitation.school.name if invitation else "",
            "inviter": _inviter_name(invitation),
        },
        status=404 if invitation is None else 200,
    )


def _staff_joined(request: HttpRequest, invitation: SchoolInvitation) -> HttpResponse:
    messages.success(request, _("Welcome to %(school)s.") % {"school": invitation.school.name})
    return redirect("students:school_detail", pk=invitation.school_id)


@require_POST
def school_invitation_join(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept, from the dashboard, a staff invitation sent to one of one's own addresses."""

    def accept(invitation: SchoolInvitation, user: User) -> HttpResponse:
        services.school_invitation_accept(invitation=invitation, acting_user=user)
        return _staff_joined(request, invitation)

    return _accept_addressed(request, selectors.school_invitations_addressed_to, pk, accept)


def _accept_addressed(
    request: HttpRequest,
    addressed_to: Callable[[set[str]], QuerySet[_Invitation]],
    pk: int,
    accept: Callable[[_Invitation, User], HttpResponse],
) -> HttpResponse:
    """The dashboard's Accept button: the invitation only if it was sent to one of the
    person's verified addresses (404 otherwise); a refusal goes back to the dashboard."""
    user = _user(request)
    invitation = get_object_or_404(addressed_to(verified_addresses(user)), pk=pk)
    try:
        return accept(invitation, user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("dashboard")


def _inviter_name(invitation: SchoolInvitation | CohortInvitation | None) -> str:
    if invitation is None or invitation.invited_by is None:
        return "HumanITech"
    return invitation.invited_by.display_name


_Invitation = TypeVar("_Invitation", SchoolInvitation, CohortInvitation)


def _invitation_or_problem(
    finder: Callable[..., _Invitation], token: str
) -> tuple[_Invitation | None, str]:
    try:
        invitation = finder(token=token)
    except ExpiredToken:
        return None, _("This invitation has expired. Ask for a new one.")
    except InvalidToken:
        return None, _("This invitation link is not valid. Check that you copied it whole.")
    problem = ""
    if invitation.revoked_at is not None:
        problem = _("This invitation has been withdrawn.")
    elif invitation.accepted_at is not None:
        problem = _("This invitation has already been used.")
    elif invitation.is_expired:
        problem = _("This invitation has expired. Ask for a new one.")
    return invitation, problem


# --- Cohorts ---------------------------------------------------------------------------------


def cohort_create(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school_for_staff(request, pk, admin=True)
    form = CohortForm(
        request.POST or None,
        instance=Cohort(school=school),
        school=school,
        initial={"supervisors": [request.user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                school=school, details=form.to_details(), acting_user=_user(request)
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("The cohort is created. Share its code with your students.")
            )
            return redirect("students:cohort_detail", pk=cohort.pk)
    return render(
        request, "students/cohort_form.html", {"form": form, "school": school, "cohort": None}
    )


def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk, admin=True)
    form = CohortForm(request.POST or None, instance=cohort, school=cohort.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(
                cohort=cohort, details=form.to_details(), acting_user=_user(request)
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The cohort has been updated."))
            return redirect("students:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "students/cohort_form.html",
        {"form": form, "school": cohort.school, "cohort": cohort},
    )


def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    group = request.GET.get("group", "")[:50]
    show = request.GET.get("show", RosterFilter.ALL)
    if show not in RosterFilter.CHOICES:
        show = RosterFilter.ALL
    roster = selectors.cohort_roster(cohort=cohort, group=group, show=show)
    return render(
        request,
        "students/cohort_detail.html",
        {
            "cohort": cohort,
            "roster": roster,
            "group": group,
            "show": show,
            "invitations": list(selectors.cohort_pending_invitations(cohort=cohort)),
            "is_admin": selectors.school_staff_role(school=cohort.school, user=_user(request))
            == SchoolStaff.Role.ADMIN,
            "join_url": request.build_absolute_uri(
                reverse("students:join_with_code", kwargs={"code": cohort.join_code})
            ),
            "code_expired": cohort.join_code_expired(),
        },
    )


@require_POST
def cohort_archive(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk, admin=True)
    services.cohort_archive(cohort=cohort, acting_user=_user(request))
    messages.success(request, _("The cohort is archived. Nobody can join it any more."))
    return redirect("students:cohort_detail", pk=cohort.pk)


@require_POST
def cohort_unarchive(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk, admin=True)
    services.cohort_unarchive(cohort=cohort, acting_user=_user(request))
    messages.success(request, _("The cohort is active again."))
    return redirect("students:cohort_detail", pk=cohort.pk)


@require_POST
def cohort_join_code_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    services.cohort_join_code_regenerate(cohort=cohort, acting_user=_user(request))
    messages.success(
        request,
        _("New code: %(code)s. The previous code and link no longer work.")
        % {"code": cohort.join_code_display},
    )
    return redirect("students:cohort_detail", pk=cohort.pk)


def cohort_invite(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    form = CohortInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.cohort_invite(
                cohort=cohort, **form.cleaned_data, acting_user=_user(request)
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s. It is valid for 14 days.")
                % {"email": invitation.email},
            )
            if "another" in request.POST:
                return redirect("students:cohort_invite", pk=cohort.pk)
            return redirect("students:cohort_detail", pk=cohort.pk)
    return render(request, "students/cohort_invite.html", {"form": form, "cohort": cohort})


@require_POST
def cohort_invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    invitation = get_object_or_404(
        cohort.invitations.select_related("cohort__school"), pk=invitation_pk
    )
    services.cohort_invitation_revoke(invitation=invitation, acting_user=_user(request))
    messages.success(request, _("The invitation has been withdrawn."))
    return redirect("students:cohort_detail", pk=cohort.pk)


@require_POST
def enrolment_remove(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    enrolment = get_object_or_404(
        cohort.enrolments.select_related("student", "cohort__school"), pk=enrolment_pk
    )
    services.enrolment_remove(enrolment=enrolment, acting_user=_user(request))
    messages.success(
        request,
        _("%(name)s has been removed from the cohort.") % {"name": enrolment.student.display_name},
    )
    return redirect("students:cohort_detail", pk=cohort.pk)


def cohort_export(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    roster = selectors.cohort_roster(cohort=cohort)
    header = [
        _("Last name"),
        _("First name"),
        _("Email"),
        _("Group"),
        _("Profile completed (%)"),
        _("Skills"),
        _("Wants to learn"),
        _("Hours per week"),
        _("Available from"),
        _("Available until"),
        _("City"),
        _("Postcode"),
        _("Visible to organisations"),
        _("Applications"),
        _("Applied to"),
        _("Accepted applications"),
        _("Team"),
        _("Enrolled on"),
    ]
    rows = [
        [
            row.student.last_name,
            row.student.first_name,
            row.student.email,
            row.enrolment.group,
            row.completion.percent,
            ", ".join(f"{s.skill.name} ({s.level})" for s in row.held_skills),
            ", ".join(
                s.skill.name
                for s in (row.profile.skills.all() if row.profile else [])
                if s.wants_to_learn
            ),
            (row.profile.hours_per_week if row.profile else None) or "",
            _iso(row.profile.available_from if row.profile else None),
            _iso(row.profile.available_until if row.profile else None),
            row.profile.city if row.profile else "",
            row.profile.postcode if row.profile else "",
            _("yes") if row.profile and row.profile.visible_to_organisations else _("no"),
            row.applications.applied,
            ", ".join(f"{title} ({label})" for title, _state, label in row.applications.briefs),
            row.applications.accepted,
            ", ".join(row.applications.teams),
            timezone.localtime(row.enrolment.enrolled_at).date().isoformat(),
        ]
        for row in roster.rows
    ]
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(cohort.name) or 'promotion'}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


# --- CSV import ------------------------------------------------------------------------------


def cohort_import(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    parsed = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Read one byte more than allowed: enough to know the file is too big.
        parsed = parse_roster(upload.read(MAX_BYTES + 1))
        if parsed.ok:
            staged = services.roster_import_stage(
                cohort=cohort, rows=parsed.rows, filename=upload.name, acting_user=_user(request)
            )
            return redirect("students:cohort_import_preview", pk=cohort.pk, token=staged.token)
    return render(
        request,
        "students/cohort_import.html",
        {"form": form, "cohort": cohort, "parsed": parsed},
    )


def _staged_import(request: HttpRequest, cohort: Cohort, token: UUID) -> RosterImport:
    return get_object_or_404(
        RosterImport.objects.select_related("cohort__school"),
        cohort=cohort,
        token=token,
        imported_at__isnull=True,
    )


def cohort_import_preview(request: HttpRequest, pk: int, token: UUID) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    staged = _staged_import(request, cohort, token)
    plan = services.roster_plan(cohort=cohort, rows=services.roster_import_rows(staged))
    return render(
        request,
        "students/cohort_import_preview.html",
        {
            "cohort": cohort,
            "staged": staged,
            "plan": plan,
            "enrol_count": plan.count("enrol"),
            "invite_count": plan.count("invite") + plan.count("reinvite"),
            "already_count": plan.count("already"),
            # The button counts what confirming changes, not the rows read.
            "change_count": len(plan.rows) - plan.count("already"),
        },
    )


@require_POST
def cohort_import_confirm(request: HttpRequest, pk: int, token: UUID) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    staged = _staged_import(request, cohort, token)
    try:
        result = services.roster_import_confirm(roster_import=staged, acting_user=_user(request))
    except ValidationError as error:
        _message_errors(request, error)
        return redirect("students:cohort_import_preview", pk=cohort.pk, token=staged.token)
    counts = [
        ngettext("%(count)d student enrolled", "%(count)d students enrolled", result.enrolled)
        % {"count": result.enrolled},
        ngettext("%(count)d invitation sent", "%(count)d invitations sent", result.invited)
        % {"count": result.invited},
        ngettext("%(count)d already enrolled", "%(count)d already enrolled", result.already)
        % {"count": result.already},
    ]
    messages.success(request, _("Import done: %(counts)s.") % {"counts": ", ".join(counts)})
    return redirect("students:cohort_detail", pk=cohort.pk)


# --- Joining a cohort ------------------------------------------------------------------------


def _join_blocked(request: HttpRequest) -> bool:
    return cache.get(_join_key(request), 0) >= JOIN_ATTEMPTS


def _join_key(request: HttpRequest) -> str:
    return f"students:join-failures:{request.user.pk}"


def _join_failed(request: HttpRequest) -> None:
    key = _join_key(request)
    cache.add(key, 0, JOIN_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, JOIN_WINDOW_SECONDS)


def _try_join(request: HttpRequest, code: str) -> tuple[Enrolment | None, str]:
    if _join_blocked(request):
        return None, _("Too many wrong codes. Wait 15 minutes, or ask your school for a link.")
    cohort = selectors.cohort_for_join_code(code=code)
    try:
        return services.cohort_join(cohort=cohort, acting_user=_user(request)), ""
    except ValidationError as error:
        if cohort is None:
            _join_failed(request)
        return None, error.messages[0]


def _joined(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    messages.success(
        request,
        _("You have joined %(cohort)s (%(school)s). Now fill in your profile.")
        % {"cohort": enrolment.cohort.name, "school": enrolment.cohort.school.name},
    )
    return redirect("students:profile_edit")


def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment, problem = _try_join(request, form.cleaned_data["code"])
        if enrolment is not None:
            return _joined(request, enrolment)
        form.add_error("code", problem)
    return render(
        request,
        "students/join.html",
        {"form": form, "enrolments": selectors.enrolments_of_student(user=_user(request))},
    )


def join_with_code(request: HttpRequest, code: str) -> HttpResponse:
    """The link staff share: says which cohort it is and whether the person can join, then
    joins on confirmation (a POST: a link opened by a preview bot must not enrol anyone)."""
    problem = ""
    if request.method == "POST":
        enrolment, problem = _try_join(request, code)
        if enrolment is not None:
            return _joined(request, enrolment)
    cohort = selectors.cohort_for_join_code(code=code)
    if not problem:
        refusal = services.cohort_join_refusal(cohort=cohort, user=_user(request))
        problem = refusal.messages[0] if refusal is not None else ""
    already = cohort is not None and cohort.enrolments.filter(student=request.user.pk).exists()
    return render(
        request,
        "students/join_confirm.html",
        {"cohort": cohort, "problem": problem, "already": already, "form": JoinForm()},
        status=404 if cohort is None else 200,
    )


@login_not_required
def cohort_invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation, problem = _invitation_or_problem(selectors.cohort_invitation_from_token, token)
    if request.method == "POST" and invitation is not None and not problem:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            enrolment = services.cohort_invitation_accept(
                invitation=invitation, acting_user=_user(request)
            )
        except ValidationError as error:
            problem = error.messages[0]
        else:
            return _joined(request, enrolment)
    return render(
        request,
        "students/invitation_accept.html",
        {
            "invitation": invitation,
            "problem": problem,
            "kind": "cohort",
            "place_name": invitation.cohort.name if invitation else "",
            "inviter": _inviter_name(invitation),
        },
        status=404 if invitation is None else 200,
    )


@require_POST
def cohort_invitation_join(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept, from the dashboard, a cohort invitation sent to one of one's own addresses."""

    def accept(invitation: CohortInvitation, user: User) -> HttpResponse:
        enrolment = services.cohort_invitation_accept(invitation=invitation, acting_user=user)
        return _joined(request, enrolment)

    return _accept_addressed(request, selectors.cohort_invitations_addressed_to, pk, accept)


# --- Student profiles ------------------------------------------------------------------------


def profile_edit(request: HttpRequest) -> HttpResponseBase:
    """The student's own profile: the one page a student edits, always their own."""
    user = _user(request)
    roles = request.roles  # type: ignore[attr-defined]
    if not roles.is_student and user.intent != User.Intent.STUDENT:
        messages.info(
            request,
            _("Student profiles are for students. Join your cohort first with your school's code."),
        )
        return redirect("students:join")
    profile = selectors.student_profile_of(user=user)
    form = ProfileForm(request.POST or None, instance=profile)
    skills = skill_formset(profile, request.POST or None)
    if request.method == "POST" and form.is_valid() and skills.is_valid():
        try:
            services.student_profile_update(
                user=user,
                details=form.to_details(),
                skills=skills.entries(),
                acting_user=user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("students:profile_edit")
    return render(
        request,
        "students/profile_edit.html",
        {
            "form": form,
            "skills": skills,
            "profile": profile,
            "completion": selectors.completion_of(profile),
            "enrolments": selectors.enrolments_of_student(user=user),
        },
    )


def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roles = request.roles  # type: ignore[attr-defined]
    try:
        profile = selectors.student_profile_for_viewer(pk=pk, viewer=_user(request), roles=roles)
    except StudentProfile.DoesNotExist:
        raise Http404 from None
    is_self = profile.user_id == request.user.pk
    enrolments = list(selectors.enrolments_of_student(user=profile.user))
    is_their_staff = any(e.cohort.school_id in roles.school_ids for e in enrolments)
    return render(
        request,
        "students/profile_detail.html",
        {
            "profile": profile,
            "student": profile.user,
            "is_self": is_self,
            # Organisations never see the address: contact goes through applications.
            "show_email": is_self or is_their_staff,
            "enrolments": enrolments,
            "completion": selectors.completion_of(profile),
            "skills": [s for s in profile.skills.all() if not s.wants_to_learn],
            "learning": [s for s in profile.skills.all() if s.wants_to_learn],
            "languages": [name for code, name in LANGUAGES if code in (profile.languages or [])],
        },
    )
