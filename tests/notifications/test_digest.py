"""The daily digest: one email per person grouping their digest-mode notifications."""

import pytest
from django.core import mail

from notifications.models import Notification, NotificationPreference
from notifications.services import digest_deliver, digests_queue
from tests.factories import UserFactory

from .samples import emit

pytestmark = pytest.mark.django_db


def _digest_person(**fields: object):
    person = UserFactory.create(**fields)
    for kind in ("application_received", "brief_published"):
        NotificationPreference.objects.create(user=person, kind=kind, delivery="digest")
    return person


def test_one_email_per_person_groups_their_digest_rows(django_capture_on_commit_callbacks) -> None:
    lea, tom = _digest_person(first_name="Léa"), _digest_person(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            emit("application_received", recipient=lea, n=n)
        emit("brief_published", recipient=lea)
        emit("brief_published", recipient=tom)
        immediate = emit("approval_given", recipient=lea)
    assert [m.to for m in mail.outbox] == [[lea.email]], "only the immediate one went out"
    immediate.refresh_from_db()
    assert immediate.state == Notification.State.SENT

    assert digests_queue() == 2
    digests = {m.to[0]: m for m in mail.outbox[1:]}
    assert set(digests) == {lea.email, tom.email}
    french = digests[lea.email]
    assert french.subject == "Votre résumé HumanITech : 4 nouvelles notifications"
    assert french.body.count("Léa Dupont postule à « Site web & dons en ligne »") == 3
    assert "/somewhere/application_received/0/" in french.body
    assert french.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digests[tom.email].subject == "Your HumanITech summary: 1 new notification"
    assert not Notification.objects.filter(state=Notification.State.PENDING).exists()

    # Nothing left: tomorrow's run sends nothing again.
    assert digests_queue() == 0
    assert len(mail.outbox) == 3


def test_a_digest_is_sent_once_even_if_queued_twice() -> None:
    person = _digest_person()
    emit("application_received", recipient=person)
    assert digest_deliver(user_id=person.pk).sent
    assert not digest_deliver(user_id=person.pk).sent
    assert len(mail.outbox) == 1
