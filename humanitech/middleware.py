from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from .roles import roles_for


class RolesMiddleware:
    """Sets ``request.roles`` lazily: computed at most once, only if a page asks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.roles = SimpleLazyObject(lambda: roles_for(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
