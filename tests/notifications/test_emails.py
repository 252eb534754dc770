"""Every kind: one row per recipient, French and English emails, absolute links."""

import re

import pytest
from django.core import mail
from django.utils import translation

from notifications.emails import build_message, render_email
from notifications.kinds import KINDS
from notifications.models import Notification
from notifications.services import notification_deliver
from notifications.tokens import read_unsubscribe_token
from tests.factories import UserFactory

from .samples import BY_EMAIL, SAMPLES, emit

pytestmark = pytest.mark.django_db

SITE = "https://humanitech.example"


@pytest.fixture(autouse=True)
def _site_url(settings: object) -> None:
    settings.SITE_URL = SITE  # type: ignore[attr-defined]


def test_the_samples_cover_every_kind() -> None:
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_one_row_per_recipient_and_the_key_dedupes(kind: str) -> None:
    people = UserFactory.create_batch(3)
    for person in people:
        emit(kind, recipient=person)
        emit(kind, recipient=person)
    assert Notification.objects.filter(kind=kind).count() == 3
    assert {n.recipient_id for n in Notification.objects.all()} == {p.pk for p in people}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_email_renders_in_the_recipients_language(kind: str, language: str) -> None:
    person = UserFactory.create(first_name="Léa", language=language)
    row = emit(kind, recipient=person)
    rendered = render_email(row)

    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.text.startswith("Bonjour Léa," if language == "fr" else "Hello Léa,")
    assert f'<html lang="{language}">' in rendered.html
    link = f"{SITE}/somewhere/{kind}/1/"
    assert link in rendered.text
    assert f'href="{link}"' in rendered.html
    # Text is not HTML-escaped; HTML is.
    assert "&#x27;" not in rendered.text and "&amp;" not in rendered.text
    assert "{" not in rendered.text and "{" not in rendered.subject
    assert f"{SITE}/notifications/preferences/" in rendered.text

    unsubscribe = re.findall(rf"{SITE}/notifications/unsubscribe/([^/\s\"]+)/", rendered.text)
    if KINDS[kind].can_turn_off:
        assert unsubscribe, "an optional kind carries an unsubscribe link"
        target = read_unsubscribe_token(unsubscribe[0])
        assert target is not None
        assert (target.user_id, target.kind) == (person.pk, kind)
    else:
        assert not unsubscribe
        with translation.override(language):
            assert str(KINDS[kind].mandatory_reason) in rendered.text


@pytest.mark.parametrize("kind", sorted(BY_EMAIL))
def test_invitations_reach_an_address_without_an_account(kind: str) -> None:
    row = emit(kind, email="Nouvelle@Exemple.org")
    message = build_message(row)
    assert message.to == ["nouvelle@exemple.org"]
    rendered = render_email(row)
    assert rendered.text.startswith("Bonjour,")
    assert "quelqu'un a saisi votre adresse" in rendered.text
    token = re.search(r"/notifications/unsubscribe/([^/\s]+)/", rendered.text)
    assert token is not None
    target = read_unsubscribe_token(token.group(1))
    assert target is not None
    assert (target.user_id, target.email, target.kind) == (None, "nouvelle@exemple.org", kind)


def test_french_copy_reads_naturally() -> None:
    person = UserFactory.create(language="fr")
    rendered = render_email(emit("brief_ending_soon", recipient=person))
    assert rendered.subject == "« Site web & dons en ligne » se termine le 26 novembre 2026"
    declined = render_email(emit("application_declined", recipient=person))
    assert f"{SITE}/briefs/12/" in declined.text and "CRM des adhérents" in declined.html
    assert "Merci pour votre candidature très soignée." in declined.text
    unanswered = render_email(emit("application_unanswered", recipient=person))
    assert "7 jours" in unanswered.subject
    weekly = render_email(emit("new_briefs_weekly", recipient=person))
    assert weekly.subject == "2 nouveaux projets pour vous cette semaine"


def test_english_copy() -> None:
    person = UserFactory.create(language="en")
    rendered = render_email(emit("brief_ending_soon", recipient=person))
    assert rendered.subject == "“Site web & dons en ligne” ends on Nov. 26, 2026"


def test_headers_message_id_and_one_click_unsubscribe(django_capture_on_commit_callbacks) -> None:
    person = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        row = emit("brief_published", recipient=person)
    row.refresh_from_db()
    assert row.state == Notification.State.SENT
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    assert row.idempotency_key[:32] in row.message_id
    assert message.extra_headers["List-Unsubscribe"].startswith(
        f"<{SITE}/notifications/unsubscribe/"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.alternatives[0][1] == "text/html"
    assert message.to == [person.email]


def test_mandatory_kinds_have_no_unsubscribe_header() -> None:
    row = emit("organisation_verified", recipient=UserFactory.create())
    assert "List-Unsubscribe" not in build_message(row).extra_headers


def test_sending_again_does_nothing() -> None:
    row = emit("brief_published", recipient=UserFactory.create())
    assert notification_deliver(notification_id=row.pk).sent
    assert not notification_deliver(notification_id=row.pk).sent
    assert len(mail.outbox) == 1


def test_an_invitation_says_until_when_its_link_works() -> None:
    row = emit(
        "organisation_invitation", email="x@exemple.org", context={"expires_at": "2026-12-03"}
    )
    assert "Cette invitation est valable jusqu'au 3 décembre 2026." in render_email(row).text
    without = emit("school_invitation", email="x@exemple.org")
    assert "Si vous n'attendiez pas cette invitation" in render_email(without).text
