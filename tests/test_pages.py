import io
import os
import socket

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_home_page_is_french_by_default_and_shows_live_counts(client) -> None:
    response = client.get("/")
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "missions ouvertes" in body
    assert response.context["counts"].organisations >= 0


def test_english_is_served_on_request(client) -> None:
    body = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in body
    assert "open projects" in body


def _audience_links(body: str) -> dict[str, str]:
    """The href of each audience card's call to action, by its French text."""
    import re

    found = re.findall(r'<a href="([^"]+)">([^<]+)</a>\s*</article>', body)
    return {text: href.replace("&amp;", "&") for href, text in found}


def test_home_audience_links_send_visitors_to_signup_then_the_step(client) -> None:
    links = _audience_links(client.get("/").content.decode())
    signup = reverse("account_signup")
    assert links == {
        "Déposer un besoin numérique": f"{signup}?next={reverse('organisations:create')}",
        "Rejoindre avec mon code de promotion": f"{signup}?next={reverse('students:join')}",
        "Inscrire mon établissement": f"{signup}?next={reverse('students:school_create')}",
    }


@pytest.mark.parametrize(
    ("role", "need_url"),
    [("owner_a", "briefs:create"), ("staff_a", "organisations:create")],
)
def test_home_audience_links_lead_a_signed_in_person_to_the_real_step(
    cast, client_for, role, need_url
) -> None:
    # The signup page bounces a signed-in person to the dashboard: never link there.
    links = _audience_links(client_for(getattr(cast, role)).get("/").content.decode())
    assert links == {
        "Déposer un besoin numérique": reverse(need_url),
        "Rejoindre avec mon code de promotion": reverse("students:join"),
        "Inscrire mon établissement": reverse("students:school_create"),
    }


def test_signup_keeps_the_next_step_for_after_the_email_confirmation(client) -> None:
    response = client.get(reverse("account_signup"), {"next": reverse("students:join")})
    assert f'name="next" value="{reverse("students:join")}"' in response.content.decode()


def test_private_page_redirects_anonymous_visitors_to_login(client) -> None:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_page_is_a_french_404(client) -> None:
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/test-errors/403/", 403, "Accès refusé"),
        ("/test-errors/400/", 400, "pas pu être comprise"),
        ("/test-errors/500/", 500, "Erreur du serveur"),
    ],
)
def test_error_pages_are_the_sites_own_in_french(cast, client_for, path, status, text) -> None:
    client = client_for(cast.student_a)
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == status
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert text in body
    assert "site.css" in body


def test_an_expired_form_gets_a_french_page_and_changes_nothing(client) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("account_signup"),
        {"email": "lea@exemple.fr", "password1": "x", "password2": "x"},
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Ce formulaire a expiré" in body
    assert "rechargez la page" in body
    assert not User.objects.exists()


def test_security_headers(client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_healthz_checks_the_database(client) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_reports_an_unreachable_broker(settings, monkeypatch, client) -> None:
    from humanitech.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "broker": "error"}}


@pytest.mark.redis
def test_healthz_reaches_a_real_redis_broker(settings, monkeypatch, client) -> None:
    from humanitech.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", REDIS_URL)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.redis
def test_the_redis_cache_backend_works_with_our_settings() -> None:
    from django.core.cache.backends.redis import RedisCache

    redis_cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "humanitech-test"})
    redis_cache.set("greeting", {"fr": "bonjour"}, timeout=30)
    assert redis_cache.get("greeting") == {"fr": "bonjour"}
    redis_cache.delete("greeting")
    assert redis_cache.get("greeting") is None


def test_container_healthcheck_names_an_allowed_host() -> None:
    from humanitech.healthcheck import probe_host

    assert probe_host("humanitech.fr,www.humanitech.fr") == "humanitech.fr"
    assert probe_host(" .humanitech.fr") == "humanitech.fr"
    assert probe_host("*") == "localhost"
    assert probe_host("") == "localhost"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_seed_demo_refuses_to_run_with_debug_off() -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_seed_demo_creates_the_documented_accounts() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    emails = set(User.objects.values_list("email", flat=True))
    for local in (
        "admin",
        "association",
        "association2",
        "ecole",
        "ecole2",
        "etudiant",
        "etudiant2",
    ):
        assert f"{local}@demo.humanitech.fr" in emails
    admin = User.objects.get(email="admin@demo.humanitech.fr")
    assert admin.is_superuser and admin.check_password("humanitech-demo")
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())


def test_celery_health_task_runs() -> None:
    from humanitech.tasks import health

    assert health.delay().get() == "ok"
