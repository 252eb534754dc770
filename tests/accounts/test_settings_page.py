import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_person_changes_name_and_language(client_for, cast) -> None:
    client = client_for(cast.student_a)
    response = client.post(
        reverse("accounts:settings"), {"first_name": "Léa", "last_name": "Petit", "language": "en"}
    )
    assert response.status_code == 302
    cast.student_a.refresh_from_db()
    assert (cast.student_a.first_name, cast.student_a.language) == ("Léa", "en")
    assert client.get(reverse("accounts:settings")).content.decode().startswith("<!DOCTYPE html>")


def test_switching_language_is_remembered_on_the_account(client_for, cast) -> None:
    client = client_for(cast.owner_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=cast.owner_a.pk).language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_bad_language_changes_nothing(client_for, cast) -> None:
    client = client_for(cast.owner_a)
    response = client.post(
        reverse("accounts:settings"), {"first_name": "X", "last_name": "Y", "language": "de"}
    )
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert User.objects.get(pk=cast.owner_a.pk).language == "fr"
