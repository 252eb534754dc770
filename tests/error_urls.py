"""The site's URLs plus views that fail on purpose, to render the error pages in tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from humanitech.urls import urlpatterns as site_urlpatterns


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("test")


def _crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("test")


urlpatterns = [
    path("test-errors/403/", _forbidden),
    path("test-errors/400/", _suspicious),
    path("test-errors/500/", _crash),
    *site_urlpatterns,
]

handler500 = "humanitech.views.server_error"
