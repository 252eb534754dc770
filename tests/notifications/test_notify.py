"""The notify() contract other apps rely on."""

import pytest
from django.db import transaction

from accounts.models import User
from notifications.kinds import KINDS
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _verified(user: User, **overrides: object) -> Notification:
    arguments: dict = {
        "kind": "organisation_verified",
        "recipient": user,
        "context": {"organisation_name": "Les Amis du Quartier"},
        "link": "/organisations/1/",
        "event_key": "organisation:1:verified:1",
        **overrides,
    }
    return notify(**arguments)


def test_one_row_per_call_and_the_same_event_twice_creates_nothing() -> None:
    user = UserFactory.create()
    first = _verified(user)
    again = _verified(user)
    assert first.pk == again.pk
    assert Notification.objects.count() == 1
    assert first.state == Notification.State.PENDING
    assert first.language == "fr"


def test_the_same_event_for_another_recipient_is_another_row() -> None:
    _verified(UserFactory.create())
    _verified(UserFactory.create())
    assert Notification.objects.count() == 2


def test_language_defaults_to_the_recipients_then_french() -> None:
    english = UserFactory.create(language="en")
    assert _verified(english).language == "en"
    assert _verified(english, event_key="other", language="fr").language == "fr"
    invited = notify(
        kind="organisation_invitation",
        email="Someone@Example.org",
        context={"organisation_name": "A", "inviter_name": "B"},
        event_key="invitation:1",
    )
    assert invited.language == "fr"
    assert invited.email == "someone@example.org"
    assert invited.recipient is None


def test_unknown_kind_and_bad_arguments_are_errors() -> None:
    user = UserFactory.create()
    with pytest.raises(ValueError, match="Unknown notification kind"):
        _verified(user, kind="nonsense")
    with pytest.raises(ValueError, match="exactly one"):
        _verified(user, email="x@example.org")
    with pytest.raises(ValueError, match="exactly one"):
        _verified(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing context keys"):
        _verified(user, context={})
    with pytest.raises(ValueError, match="site-absolute"):
        _verified(user, link="https://elsewhere.example/")
    assert not Notification.objects.exists()


def test_delivery_is_queued_only_on_commit(django_capture_on_commit_callbacks) -> None:
    user = UserFactory.create()
    with django_capture_on_commit_callbacks() as callbacks:
        _verified(user)
    assert len(callbacks) == 1


def test_a_rolled_back_transaction_leaves_no_row_and_queues_nothing(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory.create()
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _verified(user)
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not Notification.objects.exists()


def test_every_kind_declares_its_context() -> None:
    for name, spec in KINDS.items():
        assert spec.name == name
        assert spec.context_keys
