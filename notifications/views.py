"""The notification centre, the preferences page and one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest

from . import selectors, services
from .forms import PreferencesForm
from .kinds import KINDS, Audience
from .models import Notification
from .tokens import DIGEST, read_unsubscribe_token

PAGE_SIZE = 20


def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.notification_mark_read(notification=notification, acting_user=request.user)
    # htmx follows the redirect and picks the refreshed entry and bell out of the page.
    return _back_to_list(request)


@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(acting_user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return _back_to_list(request)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:list")
    return redirect(target)


def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = selectors.notification_preferences_for(user=request.user)
    form = PreferencesForm(
        request.POST or None, current=current, audiences=_preference_audiences(request)
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(
            user=request.user, deliveries=form.changed_deliveries(), acting_user=request.user
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _preference_audiences(request: AuthenticatedHttpRequest) -> set[Audience]:
    """The sections that concern this person: their roles, anyone's invitations, and every
    kind they already received or set (a student never sees "your organisation"; a former
    organisation member still can turn off what they got)."""
    roles = request.roles  # type: ignore[attr-defined]
    audiences = {Audience.INVITATIONS}
    if roles.is_organisation_member:
        audiences.add(Audience.ORGANISATION)
    if roles.is_student:
        audiences.add(Audience.STUDENT)
    if roles.is_school_staff:
        audiences.add(Audience.SCHOOL)
    return audiences | selectors.notification_audiences_of(user=request.user)


# Mail clients POST here without a CSRF token (RFC 8058 one-click): the signed token is the
# only credential, and it can only turn off its own recipient's kind.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    target = read_unsubscribe_token(token)
    if target is None or (target.kind != DIGEST and target.kind not in KINDS):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    label = (
        _("The daily summary of your notifications")
        if target.kind == DIGEST
        else KINDS[target.kind].label
    )
    context = {"label": label, "target": target, "token": token}
    if request.method == "POST":
        if not services.notifications_unsubscribe(target=target):
            return render(request, "notifications/unsubscribe_invalid.html", status=400)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe.html", context)
