"""Project-level pages: home, dashboard, legal pages, health check, language switch."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User

from .invitations import pending_invitations
from .middleware import lacks_required_second_factor
from .moderation import moderation_queues
from .stats import platform_counts

LEGAL_PAGES = {
    "legal_notice": "legal-notice",
    "privacy": "privacy",
    "accessibility": "accessibility",
    "terms": "terms",
}


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"counts": platform_counts()})


def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The "what next" page: each role the person holds, and the next step for each."""
    roles = request.roles  # type: ignore[attr-defined]
    # Platform staff: their next step is the moderation queues, not "complete my account".
    platform_staff = roles.is_moderator or request.user.is_staff
    context = {
        "intent": request.user.intent,
        "platform_staff": platform_staff,
        "moderation_queues": moderation_queues(user=request.user) if platform_staff else [],
        "invitations": pending_invitations(request.user),
        # The admin would send them to set up a second factor first: say so here.
        "needs_second_factor": lacks_required_second_factor(request.user),
    }
    return render(request, "pages/dashboard.html", context)


@login_not_required
def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    # Long legal texts are written per language rather than sentence by sentence.
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    template = f"legal/{language}/{LEGAL_PAGES[page]}.html"
    return render(request, template, {"legal_page": page})


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the person's account."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
        healthy = False
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = _broker_status()
        healthy = healthy and checks["broker"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _broker_status() -> str:
    from humanitech.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:
        return "error"


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired or forged form: our own page, in the site's layout and language.

    Django's default renders its template without the request, so the layout (navigation,
    language) could not be drawn; ``reason`` is for logs, never shown.
    """
    return render(request, "403_csrf.html", status=403)
