"""Two-factor authentication (allauth.mfa): anybody may turn it on; platform staff must
before the admin (moderation) opens."""

import html
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


def _text(response) -> str:
    """The page as read: entities decoded, non-breaking spaces as plain ones."""
    return html.unescape(response.content.decode()).replace("\u00a0", " ")


def _login(client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client_for) -> None:
    moderator = UserFactory.create(is_staff=True, second_factor=False)
    response = client_for(moderator).get(ADMIN, follow=True)
    assert response.redirect_chain == [(reverse("mfa_index"), 302)]
    body = _text(response)
    assert "Activez la double authentification pour ouvrir l'espace de modération" in body
    assert "Obligatoire pour l'équipe de la plateforme" in body


def test_every_admin_page_is_closed_to_them_even_under_a_path_prefix(client_for) -> None:
    """Judged on the view, not on the path: a deployment under a prefix (SCRIPT_NAME) or a
    model page deep in the admin is closed the same way."""
    client = client_for(UserFactory.create(is_staff=True, second_factor=False))
    for path in (ADMIN, "/admin/organisations/organisation/", "/admin/logout/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_index"), path
    behind_a_prefix = client.get(ADMIN, SCRIPT_NAME="/humanitech")
    assert behind_a_prefix.status_code == 302
    assert behind_a_prefix["Location"].endswith(reverse("mfa_index"))


def test_their_dashboard_leads_them_to_it_rather_than_to_a_closed_door(client_for) -> None:
    moderator = UserFactory.create(is_staff=True, second_factor=False)
    body = _text(client_for(moderator).get(reverse("dashboard")))
    assert f'href="{reverse("mfa_index")}">Activer la double authentification' in body
    assert "Ouvrir l'espace de modération" not in body
    set_up = _text(client_for(UserFactory.create(is_staff=True)).get(reverse("dashboard")))
    assert "Ouvrir l'espace de modération" in set_up


def test_staff_with_a_second_factor_reach_the_admin(client_for) -> None:
    moderator = UserFactory.create(is_staff=True)
    assert Authenticator.objects.filter(user=moderator, type="totp").exists()
    assert client_for(moderator).get(ADMIN).status_code == 200


@override_settings(STAFF_MFA_REQUIRED=False)
def test_the_rule_can_be_turned_off_for_development(client_for) -> None:
    moderator = UserFactory.create(is_staff=True, second_factor=False)
    assert client_for(moderator).get(ADMIN).status_code == 200


def test_visitors_still_meet_the_login_and_others_are_not_concerned(client, client_for) -> None:
    assert client.get(ADMIN).status_code == 302
    assert reverse("mfa_index") not in client.get(ADMIN)["Location"]
    # A person who is not staff is never sent to set up a second factor.
    response = client_for(UserFactory.create()).get(reverse("dashboard"))
    assert response.status_code == 200


def test_signing_in_asks_for_the_code_and_refuses_a_wrong_one(client) -> None:
    user = UserFactory.create(email="nadia@exemple.fr", second_factor=True)
    response = _login(client, user.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in with the password alone

    wrong = f"{(int(totp_code()) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db(transaction=True)  # allauth mails its notice on commit
def test_turning_the_app_on_checks_a_code_and_creates_recovery_codes(client) -> None:
    user = UserFactory.create(email="sophie@exemple.fr")
    _login(client, user.email)
    # Turning it on is a sensitive change: allauth asks for the password again first.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content.decode())
    assert secret, "the secret is shown for typing into the app"
    refused = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert refused.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()

    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret.group(1))})

    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert kinds == {"totp", "recovery_codes"}
    # A security notice by email: if it was not them, they know at once.
    (notice,) = [m for m in mail.outbox if m.to == [user.email]]
    assert notice.subject == "[HumanITech] Application d'authentification activée"
    assert notice.body.startswith("Bonjour de la part de HumanITech\u00a0!")
    assert "Si vous ne reconnaissez pas ce changement" in notice.body
    # And to the audit trail moderators read.
    events = AuditEvent.objects.filter(actor=user, action="mfa.added")
    assert {event.data["type"] for event in events} >= {"totp"}
    overview = _text(client.get(reverse("mfa_index")))
    assert "Activée : la connexion demande un code de votre application." in overview
    assert "10 codes inutilisés" in overview


def test_the_overview_speaks_french_to_people_without_a_second_factor(client_for) -> None:
    body = _text(client_for(UserFactory.create()).get(reverse("mfa_index")))
    assert "Double authentification" in body
    assert "Désactivée." in body
    assert "Obligatoire pour l'équipe" not in body


@pytest.mark.django_db(transaction=True)  # allauth signals some changes on commit
def test_codes_can_be_renewed_and_the_app_turned_off(client) -> None:
    user = UserFactory.create(email="karim@exemple.fr", second_factor=True)
    _login(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    # A code serves once: reauthenticate with the password.
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})

    assert client.get(reverse("mfa_generate_recovery_codes")).status_code == 200
    client.post(reverse("mfa_generate_recovery_codes"))
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert "10 codes de récupération disponibles sur 10" in _text(codes)
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert len(download.content.split()) == 10

    assert client.get(reverse("mfa_deactivate_totp")).status_code == 200
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=user).exists()
    assert "Désactivée." in _text(client.get(reverse("mfa_index")))
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"mfa.reset", "mfa.removed"} <= actions
