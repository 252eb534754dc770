import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "nouvelle@exemple.fr",
        "first_name": "Inès",
        "last_name": "Roux",
        "intent": "organisation",
        "password1": TEST_PASSWORD,
        "password2": TEST_PASSWORD,
    }
    data.update(overrides)
    return data


def test_signup_creates_an_unverified_user_and_sends_a_french_confirmation(client) -> None:
    response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert (user.intent, user.first_name, user.language) == ("organisation", "Inès", "fr")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "Confirmez" in mail.outbox[0].subject or "confirm" in mail.outbox[0].body.lower()


def test_unverified_user_cannot_sign_in(client) -> None:
    UserFactory.create(email="pas.verifie@exemple.fr", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "pas.verifie@exemple.fr", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": "A" * 151}, "first_name", "au plus 150 caractères"),
        ({"last_name": "B" * 151}, "last_name", "au plus 150 caractères"),
        ({"email": "pas-une-adresse"}, "email", "adresse e-mail valide"),
        ({"password1": "123", "password2": "123"}, "password1", "trop court"),
        ({"password1": "motdepasse", "password2": "motdepasse"}, "password1", "trop courant"),
        ({"intent": ""}, "intent", "obligatoire"),
    ],
)
def test_bad_signup_input_gets_a_french_message_beside_the_field(
    client, overrides: dict[str, str], field: str, message: str
) -> None:
    response = client.post(reverse("account_signup"), signup_data(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


def test_signup_with_an_existing_email_reveals_nothing_and_creates_nothing(client) -> None:
    # Account enumeration is prevented: the page answers as for a new address, and only the
    # owner of the address learns (by email) that someone tried to sign up with it.
    UserFactory.create(email="deja@exemple.fr")
    response = client.post(reverse("account_signup"), signup_data(email="DEJA@exemple.fr"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="deja@exemple.fr").count() == 1
    assert [m.to for m in mail.outbox] == [["deja@exemple.fr"]]


def test_password_reset_for_an_unknown_address_looks_the_same(client) -> None:
    UserFactory.create(email="connue@exemple.fr")
    known = client.post(reverse("account_reset_password"), {"email": "connue@exemple.fr"})
    unknown = client.post(reverse("account_reset_password"), {"email": "inconnue@exemple.fr"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_login_failures_are_rate_limited(client) -> None:
    UserFactory.create(email="cible@exemple.fr")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "cible@exemple.fr", "password": "non"})
    # Even the right password is refused once the address is locked for a while.
    response = client.post(
        reverse("account_login"), {"login": "cible@exemple.fr", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_email_login_is_case_insensitive(client) -> None:
    UserFactory.create(email="casse@exemple.fr")
    response = client.post(
        reverse("account_login"), {"login": "CASSE@Exemple.fr", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


# --- The confirmation link ------------------------------------------------------------------


def _confirmation_url(email_address: EmailAddress) -> str:
    from allauth.account.models import EmailConfirmationHMAC

    return reverse("account_confirm_email", args=[EmailConfirmationHMAC(email_address).key])


def _text(response) -> str:
    import html

    return " ".join(html.unescape(response.content.decode()).split())


def test_the_confirmation_page_speaks_plain_french(client) -> None:
    user = UserFactory.create(email="ines@exemple.fr", verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    text = _text(client.get(_confirmation_url(address)))
    assert "Confirmez que l'adresse <strong>ines@exemple.fr</strong> est bien la vôtre." in text
    assert "Confirmer mon adresse" in text
    assert "est l'adresse e-mail de" not in text


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_link_opened_again_says_the_address_is_confirmed(client, signed_in) -> None:
    user = UserFactory.create(email="ines@exemple.fr", verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    url = _confirmation_url(address)
    assert client.post(url).status_code == 302
    address.refresh_from_db()
    assert address.verified
    if signed_in:
        client.force_login(user)
    else:
        client.logout()
    text = _text(client.get(url))
    assert "Votre adresse est déjà confirmée" in text
    assert "expiré" not in text
    next_step = reverse("dashboard") if signed_in else reverse("account_login")
    assert f'href="{next_step}"' in text


def test_a_forged_or_broken_link_says_it_no_longer_works(client) -> None:
    UserFactory.create(email="ines@exemple.fr")  # verified: a forged key must not say so
    text = _text(client.get(reverse("account_confirm_email", args=["MQ:forged:signature"])))
    assert "Ce lien ne fonctionne plus" in text
    assert "déjà confirmée" not in text
    assert f'href="{reverse("account_login")}"' in text
