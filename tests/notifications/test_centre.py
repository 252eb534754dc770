"""The in-app centre, the bell, email settings and one-click unsubscribe."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from notifications.kinds import Delivery
from notifications.models import AddressOptOut, Notification, NotificationPreference
from notifications.services import notify
from notifications.tokens import DIGEST, make_unsubscribe_token
from tests.factories import UserFactory

from .samples import emit

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")


def _many(user: User, count: int) -> None:
    rows = [emit("brief_published", recipient=user, n=n) for n in range(count)]
    assert len(rows) == count


def _bell(html: str) -> str:
    match = re.search(r'<li id="nav-notifications".*?</li>', html, re.S)
    assert match, "the bell is in the header"
    return match.group(0)


@pytest.mark.parametrize("count", [5, 200])
def test_the_centre_has_a_constant_number_of_queries(
    count: int, client_for, django_assert_max_num_queries
) -> None:
    user = UserFactory.create()
    _many(user, count)
    client = client_for(user)
    # session, user, the header's roles (3), the bell's count, the page's count and rows.
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert response.status_code == 200
    entries = response.content.decode().count('class="notification-item')
    assert entries == min(count, 20)


def test_the_same_queries_for_5_and_200_notifications(client_for) -> None:
    user = UserFactory.create()
    client = client_for(user)
    counts = []
    for total in (5, 200):
        _many(user, total)
        with CaptureQueriesContext(connection) as queries:
            client.get(LIST)
        counts.append(len(queries))
        Notification.objects.all().delete()
    assert counts[0] == counts[1]


def test_the_bell_counts_unread_only_and_says_so(client_for) -> None:
    user = UserFactory.create()
    _many(user, 3)
    Notification.objects.filter(pk=Notification.objects.first().pk).update(
        read_at="2026-01-01T00:00Z"
    )  # type: ignore[union-attr]
    bell = _bell(client_for(user).get(reverse("dashboard")).content.decode())
    assert "Notifications, 2 non lues" in bell
    assert '<span class="badge-count" aria-hidden="true">2</span>' in bell


def test_the_bell_is_quiet_with_nothing_unread(client_for) -> None:
    bell = _bell(client_for(UserFactory.create()).get(LIST).content.decode())
    assert "Notifications, aucune non lue" in bell
    assert "badge-count" not in bell


def test_the_centre_shows_only_ones_own_notifications_newest_first(client_for) -> None:
    alice, bob = UserFactory.create_batch(2)
    notify(
        kind="brief_published",
        recipient=alice,
        context={"brief_title": "Ancien projet"},
        link="/old/",
        event_key="old",
    )
    notify(
        kind="brief_published",
        recipient=alice,
        context={"brief_title": "Nouveau projet"},
        link="/new/",
        event_key="new",
    )
    notify(
        kind="brief_published",
        recipient=bob,
        context={"brief_title": "Projet de Bob"},
        link="/bob/",
        event_key="bob",
    )
    html = client_for(alice).get(LIST).content.decode()
    assert "Projet de Bob" not in html
    assert html.index("Nouveau projet") < html.index("Ancien projet")
    assert 'href="/new/"' in html


def test_mark_read_without_javascript_and_with_htmx(client_for) -> None:
    user = UserFactory.create()
    first = emit("brief_published", recipient=user, n=1)
    second = emit("brief_published", recipient=user, n=2)
    client = client_for(user)

    response = client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    first.refresh_from_db()
    assert first.read_at is not None

    # htmx follows the redirect back to the page it came from and picks the entry out of it.
    response = client.post(
        reverse("notifications:mark_read", args=[second.pk]),
        {"next": f"{LIST}?page=1"},
        headers={"HX-Request": "true"},
        follow=True,
    )
    html = response.content.decode()
    assert f'id="notification-{second.pk}"' in html
    assert "Notifications, aucune non lue" in html


def test_mark_read_never_follows_an_outside_next(client_for) -> None:
    user = UserFactory.create()
    row = emit("brief_published", recipient=user)
    response = client_for(user).post(
        reverse("notifications:mark_read", args=[row.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == LIST


def test_someone_elses_notification_is_a_404_and_stays_unread(client_for) -> None:
    alice, bob = UserFactory.create_batch(2)
    row = emit("brief_published", recipient=alice)
    response = client_for(bob).post(reverse("notifications:mark_read", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read_touches_only_ones_own(client_for) -> None:
    alice, bob = UserFactory.create_batch(2)
    _many(alice, 3)
    bobs = emit("brief_published", recipient=bob, n=99)
    response = client_for(alice).post(reverse("notifications:mark_all_read"), follow=True)
    assert "Toutes vos notifications sont marquées comme lues." in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_a_new_person_sees_an_empty_state(client_for) -> None:
    html = client_for(UserFactory.create()).get(LIST).content.decode()
    assert "Aucune notification pour l'instant" in html


# --- Email settings -------------------------------------------------------------------------


def test_preferences_are_saved_and_applied_to_the_next_notification(cast, client_for) -> None:
    user = cast.owner_a
    client = client_for(user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Toujours envoyées tout de suite par e-mail" in page
    response = client.post(
        reverse("notifications:preferences"),
        {"brief_published": "off", "application_received": "digest"},
    )
    assert response.status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    assert saved == {"brief_published": "off", "application_received": "digest"}

    off = emit("brief_published", recipient=user)
    assert (off.delivery, off.state) == (Delivery.OFF, Notification.State.SKIPPED)
    digest = emit("application_received", recipient=user)
    assert (digest.delivery, digest.state) == (Delivery.DIGEST, Notification.State.PENDING)
    # "Off" still keeps the in-app entry.
    assert "Site web &amp; dons en ligne" in client.get(LIST).content.decode()


def test_mandatory_kinds_cannot_be_turned_off_even_by_a_forged_post(client_for) -> None:
    user = UserFactory.create()
    client_for(user).post(reverse("notifications:preferences"), {"organisation_verified": "off"})
    assert not NotificationPreference.objects.filter(user=user).exists()
    row = emit("organisation_verified", recipient=user)
    assert row.delivery == Delivery.IMMEDIATE


def test_an_invalid_choice_shows_an_error_and_saves_nothing(cast, client_for) -> None:
    user = cast.student_a
    response = client_for(user).post(
        reverse("notifications:preferences"), {"new_briefs_weekly": "digest"}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not NotificationPreference.objects.exists()


SECTIONS = {
    "organisation": "Votre organisation et ses projets",
    "student": "Vos candidatures et vos projets",
    "school": "Votre établissement et vos promotions",
    "invitations": "Invitations et équipes",
}


def _sections(client: Client) -> set[str]:
    html = client.get(reverse("notifications:preferences")).content.decode()
    titles = set(re.findall(r'<h2 id="preferences-section-\d+">([^<]+)</h2>', html))
    return {name for name, title in SECTIONS.items() if title in titles}


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        ("student_a", {"student", "invitations"}),
        ("owner_a", {"organisation", "invitations"}),
        ("staff_a", {"school", "invitations"}),
        ("moderator", {"invitations"}),
    ],
)
def test_email_settings_show_the_sections_of_the_persons_roles(
    cast, client_for, role, sections
) -> None:
    assert _sections(client_for(getattr(cast, role))) == sections


def test_a_kind_received_or_chosen_keeps_its_section_whatever_the_roles(cast, client_for) -> None:
    # A student who used to sit on an association board got its news, and chose a setting
    # for a school kind: both stay reachable.
    emit("brief_published", recipient=cast.student_a)
    NotificationPreference.objects.create(
        user=cast.student_a, kind="approval_requested", delivery="off"
    )
    client = client_for(cast.student_a)
    assert _sections(client) == {"organisation", "school", "student", "invitations"}


def test_saving_keeps_the_settings_of_the_hidden_sections(cast, client_for) -> None:
    user = cast.student_a
    client = client_for(user)
    # Set while the student was also an organisation member; that section is hidden now.
    NotificationPreference.objects.filter(user=user).delete()
    response = client.post(
        reverse("notifications:preferences"),
        {"application_shortlisted": "digest", "application_received": "off"},
    )
    assert response.status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    assert saved == {"application_shortlisted": "digest"}  # a hidden kind is not changed


# --- One-click unsubscribe ------------------------------------------------------------------


def _unsubscribe_url(**target: Any) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": make_unsubscribe_token(**target)})


def test_unsubscribe_works_signed_out_and_only_for_its_own_recipient_and_kind() -> None:
    alice, bob = UserFactory.create_batch(2)
    url = _unsubscribe_url(kind="brief_published", user_id=alice.pk)
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    assert "Votre projet est publié" in page.content.decode()
    assert not NotificationPreference.objects.exists(), "GET changes nothing (link scanners)"

    done = client.post(url)
    assert done.status_code == 200
    assert "Désabonnement enregistré" in done.content.decode()
    prefs = list(NotificationPreference.objects.values_list("user_id", "kind", "delivery"))
    assert prefs == [(alice.pk, "brief_published", "off")]
    assert emit("brief_published", recipient=bob).state == Notification.State.PENDING
    assert emit("brief_received" if False else "application_received", recipient=alice).state == (
        Notification.State.PENDING
    )


def test_one_click_post_from_a_mail_client_needs_no_csrf_token() -> None:
    user = UserFactory.create()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _unsubscribe_url(kind="application_received", user_id=user.pk),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=user).delivery == "off"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_gets_a_clear_page_and_changes_nothing(method: str) -> None:
    user = UserFactory.create()
    token = make_unsubscribe_token(kind="brief_published", user_id=user.pk)
    payload, _, signature = token.rpartition(":")
    other = make_unsubscribe_token(kind="application_received", user_id=user.pk + 1)
    for bad in (
        payload + ":" + signature[::-1],
        other.split(":")[0] + token[token.index(":") :],
        "nonsense",
    ):
        url = reverse("notifications:unsubscribe", kwargs={"token": bad})
        response = getattr(Client(), method)(url)
        assert response.status_code == 400
        assert "Ce lien ne fonctionne pas" in response.content.decode()
    assert not NotificationPreference.objects.exists()
    assert not AddressOptOut.objects.exists()


def test_a_token_for_a_mandatory_kind_changes_nothing() -> None:
    user = UserFactory.create()
    response = Client().post(_unsubscribe_url(kind="organisation_verified", user_id=user.pk))
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_an_address_without_an_account_can_stop_invitations() -> None:
    url = _unsubscribe_url(kind="cohort_invitation", email="nouvelle@exemple.org")
    assert Client().post(url).status_code == 200
    assert AddressOptOut.objects.filter(email="nouvelle@exemple.org").exists()
    again = emit("cohort_invitation", email="Nouvelle@Exemple.org")
    assert again.state == Notification.State.SKIPPED
    other = emit("school_invitation", email="nouvelle@exemple.org")
    assert other.state == Notification.State.PENDING


def test_the_digest_token_turns_off_every_digest_kind_only(cast, client_for) -> None:
    user = cast.owner_a
    client_for(user).post(
        reverse("notifications:preferences"),
        {"application_received": "digest", "brief_published": "digest"},
    )
    waiting = emit("application_received", recipient=user)
    NotificationPreference.objects.create(user=user, kind="approval_given", delivery="immediate")
    assert Client().post(_unsubscribe_url(kind=DIGEST, user_id=user.pk)).status_code == 200
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    assert saved == {
        "application_received": "off",
        "brief_published": "off",
        "approval_given": "immediate",
    }
    waiting.refresh_from_db()
    assert waiting.state == Notification.State.SKIPPED
