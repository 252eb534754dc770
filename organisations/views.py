"""Pages of organisations: create, dashboard, edit, members and invitations.

Every object is fetched through a queryset scoped to the person (another organisation's
pages answer 404); owner-only actions are refused by the services (403).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.selectors import verified_addresses

from . import selectors, services
from .forms import InvitationForm, OrganisationForm
from .models import MembershipRole, Organisation, OrganisationMembership
from .workflow import Actor


def _organisation(request: AuthenticatedHttpRequest, pk: int) -> Organisation:
    return get_object_or_404(Organisation.objects.of_member(request.user), pk=pk)


def _membership(organisation: Organisation, membership_pk: int) -> OrganisationMembership:
    return get_object_or_404(
        OrganisationMembership.objects.select_related("user"),
        organisation=organisation,
        pk=membership_pk,
    )


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def my_organisations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's organisation dashboard (or the list, if they belong to several)."""
    summaries = selectors.dashboard_summaries(user=request.user)
    if len(summaries) == 1:
        return redirect(summaries[0].organisation)
    return render(request, "organisations/organisation_list.html", {"summaries": summaries})


def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                acting_user=request.user, **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your organisation is registered. A moderator will verify it shortly; "
                    "meanwhile you can describe your first need."
                ),
            )
            return redirect(organisation)
    return render(request, "organisations/organisation_form.html", {"form": form})


def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    board = selectors.organisation_board(organisation=organisation, user=request.user)
    return render(request, "organisations/organisation_detail.html", {"board": board})


def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    services.require_owner(organisation=organisation, user=request.user)
    form = OrganisationForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            services.organisation_update(
                organisation=organisation,
                acting_user=request.user,
                remove_logo=request.POST.get("remove_logo") == "on",
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(organisation)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


def organisation_members(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    actors = selectors.organisation_actors(organisation=organisation, user=request.user)
    is_owner = Actor.OWNER in actors
    context = {
        "organisation": organisation,
        "memberships": selectors.organisation_members(organisation=organisation),
        "is_owner": is_owner,
        "invitations": organisation.invitations.pending().select_related("invited_by")
        if is_owner
        else [],
        "form": InvitationForm(),
    }
    return render(request, "organisations/organisation_members.html", context)


@require_POST
def invitation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    services.require_owner(organisation=organisation, user=request.user)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link is valid for 7 days.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("organisations:members", pk=organisation.pk)
    context = {
        "organisation": organisation,
        "memberships": selectors.organisation_members(organisation=organisation),
        "is_owner": True,
        "invitations": organisation.invitations.pending().select_related("invited_by"),
        "form": form,
    }
    return render(request, "organisations/organisation_members.html", context, status=400)


@require_POST
def invitation_revoke(
    request: AuthenticatedHttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    organisation = _organisation(request, pk)
    invitation = get_object_or_404(organisation.invitations.pending(), pk=invitation_pk)
    services.invitation_revoke(invitation=invitation, acting_user=request.user)
    messages.success(request, _("The invitation is cancelled: its link no longer works."))
    return redirect("organisations:members", pk=organisation.pk)


@require_POST
def member_role(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    membership = _membership(organisation, membership_pk)
    role = request.POST.get("role", "")
    if role not in MembershipRole.values:
        role = MembershipRole.MEMBER
    try:
        services.membership_set_role(membership=membership, role=role, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        message = (
            _("%(name)s is now an owner.")
            if role == MembershipRole.OWNER
            else _("%(name)s is now a member.")
        )
        messages.success(request, message % {"name": membership.user.display_name})
    return redirect("organisations:members", pk=organisation.pk)


@require_POST
def ownership_transfer(
    request: AuthenticatedHttpRequest, pk: int, membership_pk: int
) -> HttpResponse:
    organisation = _organisation(request, pk)
    membership = _membership(organisation, membership_pk)
    try:
        services.ownership_transfer(
            organisation=organisation, to_membership=membership, acting_user=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(name)s is now the owner; you remain a member.")
            % {"name": membership.user.display_name},
        )
    return redirect("organisations:members", pk=organisation.pk)


@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    membership = _membership(organisation, membership_pk)
    try:
        services.membership_remove(membership=membership, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("organisations:members", pk=organisation.pk)
    if membership.user_id == request.user.pk:
        messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
        return redirect("dashboard")
    messages.success(
        request,
        _("%(name)s no longer belongs to the organisation.")
        % {"name": membership.user.display_name},
    )
    return redirect("organisations:members", pk=organisation.pk)


@require_POST
def organisation_leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    membership = get_object_or_404(
        OrganisationMembership, organisation=organisation, user=request.user
    )
    return member_remove(request, pk=organisation.pk, membership_pk=membership.pk)


@login_not_required
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email: who invites you where; sign in or up, then join."""
    invitation = services.invitation_for_token(token)
    if request.method == "POST" and request.user.is_authenticated and invitation is not None:
        try:
            membership = services.invitation_accept(token=token, acting_user=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Welcome to %(name)s!") % {"name": membership.organisation.name},
            )
            return redirect(membership.organisation)
    here = reverse("organisations:invitation", kwargs={"token": token})
    context = {
        "invitation": invitation,
        "is_pending": invitation is not None and invitation.is_pending,
        "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
        "signup_url": reverse("account_signup") + "?" + urlencode({"next": here}),
    }
    status = 200 if invitation is not None else 404
    return render(request, "organisations/invitation.html", context, status=status)


@require_POST
def invitation_join(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Accept, from the dashboard, a pending invitation sent to one of one's own addresses
    (for whoever lost the email's link, e.g. by confirming their address elsewhere)."""
    invitation = get_object_or_404(
        selectors.invitations_addressed_to(verified_addresses(request.user)), pk=pk
    )
    try:
        membership = services.invitation_accept_addressed(
            invitation=invitation, acting_user=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("dashboard")
    messages.success(request, _("Welcome to %(name)s!") % {"name": membership.organisation.name})
    return redirect(membership.organisation)
