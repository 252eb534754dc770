from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .roles import roles_for


class RolesMiddleware:
    """Sets ``request.roles`` lazily: computed at most once, only if a page asks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.roles = SimpleLazyObject(lambda: roles_for(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)


class StaffMfaMiddleware:
    """With ``STAFF_MFA_REQUIRED`` (on unless DEBUG), the admin (moderation) opens to staff
    only once they have a second factor (allauth.mfa); until then it sends them to set one
    up. Anonymous visitors go on to the admin's own login, which is allauth's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.STAFF_MFA_REQUIRED
            and request.path.startswith(self.admin_prefix)
            and user.is_authenticated
            and user.is_staff
            and not is_mfa_enabled(user)
        ):
            messages.info(
                request,
                _("Turn on two-factor authentication to open the moderation area."),
            )
            return redirect("mfa_index")
        return self.get_response(request)
