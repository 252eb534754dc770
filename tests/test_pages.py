import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


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


def test_private_page_redirects_anonymous_visitors_to_login(client) -> None:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_page_is_a_french_404(client) -> None:
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


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
