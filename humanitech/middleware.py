from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin, messages
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


def lacks_required_second_factor(user: Any) -> bool:
    """Staff without the second factor ``STAFF_MFA_REQUIRED`` asks of them for the admin."""
    return bool(
        settings.STAFF_MFA_REQUIRED
        and user.is_authenticated
        and user.is_staff
        and not is_mfa_enabled(user)
    )


class StaffMfaMiddleware:
    """With ``STAFF_MFA_REQUIRED`` (production, tests), the admin (moderation) opens to staff
    only once they have a second factor (allauth.mfa); until then it sends them to set one
    up. Anonymous visitors go on to the admin's own login, which is allauth's.

    Judged on the view the URL resolved to (any view of the admin site's namespace), not on
    the path, which a deployment under a prefix (SCRIPT_NAME) would change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if (
            match is not None
            and admin.site.name in match.namespaces
            and lacks_required_second_factor(request.user)
        ):
            messages.info(
                request,
                _("Turn on two-factor authentication to open the moderation area."),
            )
            return redirect("mfa_index")
        return None
