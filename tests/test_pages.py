import io
import os
import socket

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User

from .catalogues import french_strings

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


# --- Dashboard: the moderators' queues ----------------------------------------------------


def _queue_rows(cast, *, organisations: int, briefs: int, failed: int) -> None:
    """Pending organisations, each with submitted briefs, and failed emails."""
    from notifications.models import Notification
    from organisations.models import Brief, Organisation
    from organisations.workflow import BriefState

    brief_a = cast.brief_a
    for n in range(organisations):
        organisation = Organisation.objects.create(
            name=f"Association en attente {n}", legal_form="association", city="Lille"
        )
        for m in range(briefs):
            Brief.objects.create(
                organisation=organisation,
                title=f"Besoin {n}-{m}",
                state=BriefState.SUBMITTED,
                need_category=brief_a.need_category,
                problem=brief_a.problem,
                expected_outcome=brief_a.expected_outcome,
                effort_hours=brief_a.effort_hours,
                start_date=brief_a.start_date,
                end_date=brief_a.end_date,
            )
    Brief.objects.filter(pk=cast.draft_a.pk).update(state=BriefState.SUBMITTED)
    Notification.objects.bulk_create(
        Notification(
            kind="brief_published",
            event_key=f"failed-{n}",
            idempotency_key=f"failed-{n}",
            recipient=cast.owner_a,
            state=Notification.State.FAILED,
        )
        for n in range(failed)
    )


def test_moderator_dashboard_lists_live_queues_linked_to_the_admin_filters(
    cast, client_for
) -> None:
    _queue_rows(cast, organisations=2, briefs=2, failed=3)
    response = client_for(cast.moderator).get(reverse("dashboard"))
    body = " ".join(response.content.decode().split())
    queues = {q.name: (q.count, q.url) for q in response.context["moderation_queues"]}
    assert queues == {
        "organisations_to_verify": (
            2,
            reverse("admin:organisations_organisation_changelist")
            + "?verification_state__exact=pending",
        ),
        # draft_a's organisation is verified: ready; the pending ones' four briefs wait.
        "briefs_ready": (1, reverse("admin:organisations_brief_changelist") + "?queue=ready"),
        "briefs_waiting": (4, reverse("admin:organisations_brief_changelist") + "?queue=waiting"),
        "notifications_failed": (
            3,
            reverse("admin:notifications_notification_changelist") + "?state__exact=failed",
        ),
    }
    assert "2</span> organisations à vérifier" in body
    assert "3</span> e-mails qui n'ont pas pu être envoyés" in body
    # No "complete my account" card for platform staff.
    assert "Votre prochaine étape" not in body
    assert "Compléter mon compte" not in body


def test_each_queue_count_matches_its_admin_list(cast, client_for) -> None:
    _queue_rows(cast, organisations=1, briefs=2, failed=1)
    client = client_for(cast.moderator)
    for queue in client.get(reverse("dashboard")).context["moderation_queues"]:
        changelist = client.get(queue.url)
        assert changelist.status_code == 200, queue.name
        assert changelist.context["cl"].result_count == queue.count, queue.name


def test_moderator_dashboard_query_count_does_not_grow_with_the_queues(
    cast, client_for, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.moderator)
    client.get(reverse("dashboard"))  # warm the session and content types
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("dashboard"))
    _queue_rows(cast, organisations=5, briefs=3, failed=7)
    with django_assert_num_queries(len(empty.captured_queries)):
        client.get(reverse("dashboard"))


def test_a_person_without_a_role_still_gets_their_next_step(cast, client_for) -> None:
    from accounts.models import User

    newcomer = User.objects.create_user(email="nouveau@exemple.fr", password="x" * 12)
    body = client_for(newcomer).get(reverse("dashboard")).content.decode()
    assert "Votre prochaine étape" in body
    assert "moderation-queues" not in body


def test_staff_without_the_moderators_group_sees_no_queue_it_cannot_open(cast, client_for) -> None:
    from tests.factories import UserFactory

    support = UserFactory.create(email="support@humanitech.fr", is_staff=True)
    response = client_for(support).get(reverse("dashboard"))
    assert response.context["moderation_queues"] == []
    body = response.content.decode()
    assert "Votre prochaine étape" not in body
    assert "Ouvrir l'espace de modération" in body


# --- Words: one term per concept across our catalogues -----------------------------------

# Kinds of institution, where "école" is the right word (not the institution itself).
SCHOOL_KINDS = ("École d'ingénieurs", "écoles d'ingénieurs", "Écoles et bootcamps", "école ou")


def test_the_site_says_e_mail_never_courriel() -> None:
    # allauth says "e-mail" on every account page: so do we (and Django's validator, overridden).
    assert [text for text in french_strings() if "ourriel" in text] == []


def test_a_school_is_an_etablissement_in_our_words() -> None:
    def about_the_institution(text: str) -> bool:
        for kind in SCHOOL_KINDS:
            text = text.replace(kind, "")
        return "école" in text.lower()

    assert [text for text in french_strings() if about_the_institution(text)] == []


def test_the_login_and_validation_messages_say_e_mail(client) -> None:
    body = client.get(reverse("account_login")).content.decode()
    assert 'for="id_login">E-mail</label>' in body
    response = client.post(reverse("account_signup"), {"email": "pas-une-adresse"})
    assert "Saisissez une adresse e-mail valide." in response.content.decode()


def test_french_double_punctuation_never_starts_a_line() -> None:
    import re

    breakable = [t for t in french_strings() if re.search(r" [?!:;»]|« ", t)]
    assert breakable == []
