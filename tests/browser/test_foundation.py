"""Main journeys of the foundation, in Chromium: sign up, verify, sign in; languages; a11y."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory, totp_code

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/legal-notice/",
    "/privacy/",
    "/accessibility/",
    "/terms/",
    "/page-qui-nexiste-pas/",
]


def test_student_signs_up_verifies_email_and_signs_in(page: Page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Créer un compte").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.get_by_label("E-mail").fill("lea.martin@etu.isen.fr")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Je suis étudiant ou étudiante").check()
    page.get_by_label("Mot de passe", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifiez votre adresse")
    assert_accessible(page)
    user = User.objects.get(email="lea.martin@etu.isen.fr")
    assert (user.first_name, user.intent, user.language) == ("Léa", "student", "fr")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(mail.outbox[0].body)).group(0)

    page.goto(live_server.url + link[link.index("/accounts/") :])
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer").click()
    # Confirming signs the person in and leads to their next step.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour Léa")
    expect(page.get_by_text("Rejoignez votre promotion")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill("lea.martin@etu.isen.fr")
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour Léa")


def test_signup_rejects_bad_input_in_french_beside_the_field(page: Page, live_server) -> None:
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("E-mail").fill("pas-une-adresse")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Nom", exact=True).fill("Dupont")
    page.get_by_label("Je représente une association").check()
    page.get_by_label("Mot de passe", exact=True).fill("123")
    page.get_by_label("Mot de passe (confirmation)").fill("123")
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.locator("#id_email_error")).to_contain_text("adresse e-mail valide")
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("Merci de corriger les erreurs")
    assert not User.objects.exists()
    assert_accessible(page)

    page.get_by_label("E-mail").fill("lea@exemple.fr")
    page.get_by_label("Mot de passe", exact=True).fill("123")
    page.get_by_label("Mot de passe (confirmation)").fill("123")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("#id_password1_error")).to_contain_text("trop court")
    assert not User.objects.exists()


def test_public_pages_are_french_accessible_and_switch_to_english(page: Page, live_server) -> None:
    for path in PUBLIC_PAGES:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        assert_accessible(page)

    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("built by supervised students")
    for path in PUBLIC_PAGES:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert_accessible(page)


def test_keyboard_user_reaches_main_content_and_navigation(page: Page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Passer au contenu principal")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def _header_rows(page: Page) -> dict[str, float]:
    """Top of the brand, the menu button and the language switcher, and the header height."""
    return page.evaluate(
        """() => Object.fromEntries([
            ["brand", ".brand"], ["menu", ".nav-toggle"], ["languages", ".language-switcher"],
            ["header", ".site-header"],
        ].map(([name, selector]) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return [name, name === "header" ? box.height : box.top + box.height / 2];
        }))"""
    )


@pytest.mark.parametrize("width", [390, 360])
def test_the_phone_header_is_one_line_and_the_menu_opens_below(
    page: Page, live_server, login_as, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    for signed_in in (False, True):
        if signed_in:
            login_as(UserFactory.create())
        page.goto(live_server.url + "/")
        rows = _header_rows(page)
        # Brand, "Menu" and FR/EN share one row (FR/EN used to wrap under the logo).
        assert abs(rows["menu"] - rows["brand"]) < 4, rows
        assert abs(rows["languages"] - rows["brand"]) < 4, rows
        assert rows["header"] < 70, rows
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The open menu drops below that row; the switcher stays beside the button.
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Mon espace", exact=True)).to_be_visible()
    opened = _header_rows(page)
    assert abs(opened["languages"] - opened["brand"]) < 4, opened
    nav_top = page.locator("#site-nav").bounding_box()
    assert nav_top is not None and nav_top["y"] > opened["menu"], (nav_top, opened)
    assert_accessible(page)


SIGNED_IN_PAGES = [
    "/dashboard/",
    "/account/settings/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/logout/",
]


def test_signed_in_account_pages_are_accessible_in_both_languages(
    page: Page, live_server, login_as
) -> None:
    user = UserFactory(email="lea.martin@etu.isen.fr", first_name="Léa")
    login_as(user)
    for language, lang_attr in (("Français", "fr"), ("English", "en")):
        page.goto(live_server.url + "/")
        page.get_by_role("button", name=language).click()
        for path in SIGNED_IN_PAGES:
            page.goto(live_server.url + path)
            expect(page.locator("html")).to_have_attribute("lang", lang_attr)
            expect(page.locator(".site-header")).to_be_visible()
            assert_accessible(page)


def test_password_reset_then_change_by_keyboard_and_mouse(page: Page, live_server) -> None:
    UserFactory(email="lea.martin@etu.isen.fr", first_name="Léa")
    new_password = "Un-nouveau-mot-de-passe-2027"
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Mot de passe oublié").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/$"))
    page.get_by_label("E-mail").fill("lea.martin@etu.isen.fr")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    assert_accessible(page)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+/)", str(mail.outbox[0].body))
    page.goto(live_server.url + link.group(1))
    assert_accessible(page)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(new_password)
    page.get_by_label("Nouveau mot de passe (confirmation)").fill(new_password)
    page.get_by_role("button", name="Modifier le mot de passe").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))
    assert_accessible(page)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill("lea.martin@etu.isen.fr")
    page.get_by_label("Mot de passe").fill(new_password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour Léa")

    # Then a change, from the account settings, with the current password.
    page.goto(live_server.url + "/accounts/password/change/")
    page.get_by_label("Mot de passe actuel").fill(new_password)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Nouveau mot de passe (confirmation)").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Modifier le mot de passe").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_be_visible()
    user = User.objects.get(email="lea.martin@etu.isen.fr")
    assert user.check_password(TEST_PASSWORD)


def _centres(page: Page) -> list[float]:
    """Horizontal centres of an error page's heading, paragraph and button."""
    return page.evaluate(
        """() => ["h1", ".error-page .lead", ".error-page .button"].map(selector => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.left + box.width / 2;
        })"""
    )


@pytest.mark.urls("tests.error_urls")
def test_error_pages_are_accessible(page: Page, live_server, login_as) -> None:
    login_as(UserFactory(email="lea.martin@etu.isen.fr"))
    for path, status in (
        ("/test-errors/403/", 403),
        ("/test-errors/500/", 500),
        ("/nulle-part/", 404),
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == status
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        # Heading, text and button share one axis (the text block used to sit left).
        heading, text, button = _centres(page)
        assert abs(text - heading) < 2 and abs(button - heading) < 2, (path, heading, text)
        assert_accessible(page)

    # A form whose security cookie is gone (an old tab, cookies cleared) is refused kindly.
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.context.clear_cookies()
    page.get_by_label("E-mail").fill("lea.martin@etu.isen.fr")
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce formulaire a expiré")
    page.wait_for_load_state("load")  # the stylesheet too, before measuring the layout
    heading, text, button = _centres(page)
    assert abs(text - heading) < 2 and abs(button - heading) < 2, (heading, text)
    assert_accessible(page)


def test_a_moderator_turns_on_two_factor_then_signs_in_with_a_code(
    page: Page, live_server, login_as
) -> None:
    """Staff must have a second factor before the moderation area opens: set it up with the
    keyboard-reachable pages (each one checked by axe), then sign in again with a code."""
    nadia = UserFactory.create(
        email="nadia@humanitech.fr", first_name="Nadia", is_staff=True, second_factor=False
    )
    login_as(nadia)
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    expect(page.get_by_role("status").first).to_contain_text(
        "Activez la double authentification pour ouvrir l'espace de modération"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Activer").click()

    # A sensitive change: the password again first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer l'accès")
    assert_accessible(page)
    page.get_by_label("Mot de passe", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Mot de passe", exact=True).press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Activer l'application d'authentification"
    )
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Code de l'authentificateur").fill(totp_code(secret))
    page.get_by_role("button", name="Activer").click()

    # Recovery codes come with it, shown once the app is on.
    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de récupération")
    expect(page.get_by_text("Application d'authentification activée.")).to_be_visible()
    assert len(page.get_by_label("Codes inutilisés").input_value().split()) == 10
    assert_accessible(page)
    # Now the moderation area opens (every request of its page done before cookies go).
    page.goto(live_server.url + "/admin/", wait_until="networkidle")
    expect(page).to_have_url(live_server.url + "/admin/")

    # Next time, the password alone is not enough.
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill(nadia.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authentification à deux facteurs")
    assert_accessible(page)
    code = page.get_by_label("Code", exact=True)
    code.fill(f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}")
    code.press("Enter")
    expect(page.get_by_text("Code incorrect.")).to_be_visible()
    assert_accessible(page)
    code.fill(totp_code(secret))
    code.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nadia")
