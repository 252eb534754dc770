"""The outbox in the admin: moderators read it, superusers re-send failed rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from tests.factories import UserFactory

from .samples import emit

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_notification_changelist")


def _failed(n: int) -> Notification:
    row = emit("brief_published", recipient=UserFactory.create(), n=n)
    Notification.objects.filter(pk=row.pk).update(
        state=Notification.State.FAILED,
        attempts=5,
        last_error="SMTPDataError: (554, b'5.7.1 Message rejected')",
        provider_response="554 5.7.1 Message rejected",
    )
    return row


def test_a_moderator_reads_failures_but_cannot_resend(cast, client_for) -> None:
    row = _failed(1)
    client = client_for(cast.moderator)
    listing = client.get(CHANGELIST, {"state__exact": "failed"})
    assert listing.status_code == 200
    assert row.recipient.email in listing.content.decode()
    assert "SMTPDataError: (554" in listing.content.decode()  # the error, in the list itself
    assert "resend" not in listing.content.decode()
    detail = client.get(reverse("admin:notifications_notification_change", args=[row.pk]))
    assert "554 5.7.1 Message rejected" in detail.content.decode()
    response = client.post(CHANGELIST, {"action": "resend", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.state == Notification.State.FAILED
    assert response.status_code in (200, 302, 403)


def test_other_people_cannot_open_the_outbox(cast, client_for) -> None:
    assert client_for(cast.owner_a).get(CHANGELIST).status_code == 302


def test_a_superuser_resends_the_selected_failed_rows(
    client_for, django_capture_on_commit_callbacks
) -> None:
    failed, sent = _failed(1), emit("brief_published", recipient=UserFactory.create(), n=2)
    Notification.objects.filter(pk=sent.pk).update(state=Notification.State.SENT)
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(
            CHANGELIST,
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "1 notification remise en file d" in html
    assert "n&#x27;était pas en échec" in html
    failed.refresh_from_db()
    assert failed.state == Notification.State.SENT


def test_the_admin_list_has_a_constant_number_of_queries(client_for) -> None:
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    client = client_for(admin)
    counts = []
    for total in (5, 200):
        for n in range(total):
            emit("brief_published", recipient=UserFactory.create(), n=n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST).status_code == 200
        counts.append(len(queries))
        Notification.objects.all().delete()
    assert counts[0] == counts[1] <= 12, counts
