"""Main journeys of organisations and briefs, in Chromium: an association registers and
writes a brief through the guided steps; a moderator verifies and publishes it in the admin;
a visitor finds it by French full-text search and by facets. Every page is checked by axe."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import FloatRect, Page, expect

from accounts.models import User
from humanitech.roles import MODERATOR_GROUP
from matching.models import Skill
from notifications.models import Notification
from organisations.models import Brief, Organisation
from tests.factories import TEST_PASSWORD, UserFactory, totp_code
from tests.organisations.helpers import make_organisation

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


# Whether a <select> is wide enough for its chosen option's text (plus padding and arrow).
SHOWS_ITS_WHOLE_CHOICE = """select => {
    const context = document.createElement("canvas").getContext("2d");
    context.font = getComputedStyle(select).font;
    const text = select.options[select.selectedIndex].text;
    return context.measureText(text).width + 48 <= select.clientWidth;
}"""


def _date(days: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def _register_organisation(page: Page, base: str) -> None:
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Inscrire mon organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire votre organisation")
    page.get_by_label("Nom de l'organisation").fill("Les Jardins Partagés de Fives")
    page.get_by_label("Association (loi 1901)").check()
    page.get_by_label("Numéro SIREN ou SIRET").fill("123 456 789 00012")
    page.get_by_label("Alimentation et aide alimentaire").check()
    page.get_by_label("Environnement et climat").check()
    page.get_by_label("Ville").fill("Lille")
    page.get_by_label("Code postal").fill("59000")
    page.get_by_label("Votre organisation en quelques phrases").fill(
        "Quatre jardins partagés à Fives, 180 adhérents et bénévoles."
    )
    page.get_by_role("button", name="Inscrire mon organisation").click()
    # A wrong SIRET is explained next to its field, in French, and nothing is saved.
    expect(page.locator("#id_siren_or_siret_error")).to_contain_text("n'est pas valide")
    expect(page.get_by_label("Numéro SIREN ou SIRET")).to_have_attribute("aria-invalid", "true")
    assert not Organisation.objects.filter(city="Lille", name__startswith="Les Jardins").exists()
    assert_accessible(page)
    page.get_by_label("Numéro SIREN ou SIRET").fill("")
    page.get_by_label("Numéro RNA").fill("W595001234")
    page.get_by_role("button", name="Inscrire mon organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les Jardins Partagés de Fives")
    expect(page.get_by_text("Vérification en cours")).to_be_visible()
    assert_accessible(page)


def _write_brief(page: Page) -> None:
    page.get_by_role("link", name="Décrire un besoin", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le problème, avec vos mots")
    assert_accessible(page)
    page.get_by_label("Un titre court").fill("Un site internet pour nos adhérents")
    page.get_by_label("Site web").check()
    page.get_by_label("Le problème, avec vos mots").fill(
        "Notre site date de 2013 : nos adhérents ne trouvent ni le calendrier des ateliers "
        "ni le formulaire d'adhésion."
    )
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ce qui serait une réussite")
    assert_accessible(page)
    page.get_by_label("À quoi ressemblerait une réussite ?").fill(
        "Un site simple que deux bénévoles mettent à jour, avec l'adhésion en ligne."
    )
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Équipe, dates et lieu")
    page.get_by_label("Équipe la plus grande").fill("1")
    page.get_by_label("Charge estimée, en heures pour toute l'équipe").fill("90")
    page.get_by_label("Début au plus tôt").fill(_date(20))
    page.get_by_label("Date de fin").fill(_date(5))
    page.get_by_label("À distance").check()
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator("#id_team_max_error")).to_contain_text("ne peut pas être plus petite")
    expect(page.locator("#id_end_date_error")).to_contain_text("après la date de début")
    assert_accessible(page)
    page.get_by_label("Équipe la plus grande").fill("4")
    page.get_by_label("Date de fin").fill(_date(90))
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Les compétences recherchées")
    # The website proposals are there; add one more with the picker, by keyboard.
    expect(page.get_by_role("group", name="WordPress")).to_be_visible()
    skill_select = page.get_by_role("group", name="Ajouter une compétence").get_by_label(
        "Compétence", exact=True
    )
    assert skill_select.evaluate(SHOWS_ITS_WHOLE_CHOICE), "the placeholder is cut off"
    search = page.get_by_label("Chercher une compétence")
    search.fill("django")
    result = page.get_by_role("button", name=re.compile(r"^Django"))
    result.focus()
    page.keyboard.press("Enter")
    new_row = page.get_by_role("group", name="Ajouter une compétence")
    expect(new_row.get_by_label("Compétence", exact=True)).to_have_value(
        str(Skill.objects.get(slug="django").pk)
    )
    new_row.get_by_label("Importance").select_option(label="Souhaitée")
    assert_accessible(page)
    page.get_by_role("button", name="Ajouter cette compétence").click()
    expect(page.get_by_role("group", name="Django")).to_be_visible()
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Relire et envoyer")
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer en relecture").click()
    expect(page.get_by_text("C'est envoyé !")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("En relecture"))).to_be_visible()
    assert_accessible(page)


def _moderate(page: Page, base: str, moderator: User) -> None:
    page.context.clear_cookies()
    page.goto(base + "/admin/")
    # The admin signs in through the site's own (allauth) login page.
    page.get_by_label("E-mail").fill(moderator.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # Staff have a second factor (required for the admin): the code from their app.
    page.get_by_label("Code", exact=True).fill(totp_code())
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name="Modération")).to_be_visible()

    page.goto(base + "/admin/organisations/organisation/?verification_state__exact=pending")
    page.get_by_role("checkbox", name=re.compile("Les Jardins Partagés de Fives")).check()
    page.locator("select[name=action]").select_option(
        label="Vérifier les organisations sélectionnées"
    )
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("1 organisation vérifiée.")).to_be_visible()

    page.goto(base + "/admin/organisations/brief/?queue=ready")
    page.get_by_role("link", name="Un site internet pour nos adhérents").click()
    expect(page.get_by_text("brief.submit")).to_be_visible()  # the audit trail
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("1 mission publiée.")).to_be_visible()


def _visitor_finds_it(page: Page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/briefs/")
    assert_accessible(page)
    keywords = page.get_by_label("Mots-clés")
    keywords.fill("site internet adhérents")
    keywords.press("Enter")
    results = page.locator("#catalogue-results")
    expect(results.get_by_role("link", name="Un site internet pour nos adhérents")).to_be_visible()
    expect(page).to_have_url(
        re.compile(r"/briefs/\?q=site(%20|\+)internet(%20|\+)adh[^&]*&sort=relevance$")
    )
    expect(page.locator("#catalogue-count")).to_have_text("1 mission ouverte")

    page.goto(base + "/briefs/")
    page.get_by_label("Site web").check()
    expect(page).to_have_url(re.compile(r"category=website"))
    page.get_by_label("À distance").check()
    page.get_by_label("Ville ou département").fill("59")
    page.get_by_label("Ville ou département").press("Enter")
    expect(page).to_have_url(re.compile(r"place=59"))
    card = results.get_by_role("link", name="Un site internet pour nos adhérents")
    expect(card).to_be_visible()
    assert_accessible(page)
    card.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Un site internet pour nos adhérents")
    expect(page.get_by_text("Django")).to_be_visible()
    expect(page.get_by_role("link", name="Créer mon compte")).to_be_visible()
    assert_accessible(page)


def test_from_an_association_need_to_a_published_searchable_brief(
    page: Page, live_server, login_as
) -> None:
    owner = UserFactory.create(first_name="Sophie", intent=User.Intent.ORGANISATION)
    moderator = UserFactory.create(email="nadia@humanitech.fr", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATOR_GROUP))
    login_as(owner)
    _register_organisation(page, live_server.url)
    _write_brief(page)
    _moderate(page, live_server.url, moderator)
    brief = Brief.objects.get()
    assert (brief.state, brief.organisation.verification_state) == ("published", "verified")
    assert Notification.objects.filter(kind="brief_published", recipient=owner).exists()
    _visitor_finds_it(page, live_server.url)


def test_an_owner_invites_a_colleague_who_joins(page: Page, live_server, login_as) -> None:
    owner = UserFactory.create(first_name="Sophie")
    organisation = Organisation.objects.create(
        name="Toit Partagé",
        legal_form="association",
        rna="W131000001",
        city="Marseille",
        postcode="13001",
        description="Hébergement solidaire.",
    )
    organisation.memberships.create(user=owner, role="owner")
    login_as(owner)
    page.goto(f"{live_server.url}/organisations/{organisation.pk}/members/")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail de la personne à inviter").fill("karim@exemple.fr")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à karim@exemple.fr")).to_be_visible()
    link = re.search(r"/organisations/invitations/\S+/", str(mail.outbox[-1].body)).group(0)

    page.context.clear_cookies()
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre Toit Partagé")
    assert_accessible(page)
    karim = UserFactory.create(email="karim@exemple.fr", first_name="Karim")
    login_as(karim)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Rejoindre l'organisation").click()
    expect(page.get_by_text("Bienvenue dans Toit Partagé !")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Toit Partagé")
    assert organisation.memberships.filter(user=karim, role="member").exists()


def test_an_invitation_is_accepted_from_the_dashboard_without_its_link(
    page: Page, live_server, login_as
) -> None:
    """Karim confirmed his address on his phone and lost the link: his dashboard has it."""
    from organisations.services import invitation_create

    owner = UserFactory.create(first_name="Sophie", last_name="Durand")
    organisation = make_organisation(
        owner, name="Toit Partagé", city="Marseille", postcode="13001", rna="W131000001"
    )
    invitation_create(organisation=organisation, email="karim@exemple.fr", acting_user=owner)
    karim = UserFactory.create(email="karim@exemple.fr", first_name="Karim")

    login_as(karim)
    page.goto(f"{live_server.url}/dashboard/")
    panel = page.get_by_role("region", name="Une invitation vous attend")
    expect(panel).to_contain_text("Toit Partagé — membre de l'organisation")
    expect(panel).to_contain_text("Invitation de Sophie Durand")
    assert_accessible(page)
    panel.get_by_role("button", name="Accepter l'invitation : Toit Partagé").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Bienvenue dans Toit Partagé !")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Toit Partagé")
    assert organisation.memberships.filter(user=karim, role="member").exists()
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("region", name=re.compile("invitation"))).to_have_count(0)


def test_organisation_pages_are_accessible_in_french_and_english(
    page: Page, live_server, login_as
) -> None:
    owner = UserFactory.create(first_name="Sophie", intent=User.Intent.ORGANISATION)
    organisation = Organisation.objects.create(
        name="Maison des Aidants",
        legal_form="association",
        rna="W941000001",
        city="Créteil",
        postcode="94000",
        description="Nous soutenons les proches aidants.",
        verification_state="rejected",
        verification_reason="Le numéro RNA ne correspond pas.",
    )
    organisation.memberships.create(user=owner, role="owner")
    draft = Brief.objects.create(
        organisation=organisation,
        title="Réserver le répit en ligne",
        need_category="automation",
        problem="Les aidants réservent par téléphone.",
        state="rejected",
        rejection_reason="Précisez les dates.",
    )
    base = live_server.url
    login_as(UserFactory.create())
    page.goto(base + "/organisations/")  # nobody's organisation yet: the empty state
    expect(page.get_by_role("link", name="Inscrire mon organisation").first).to_be_visible()
    assert_accessible(page)

    login_as(owner)
    for path, text in (
        ("/dashboard/", "Maison des Aidants"),
        (f"/organisations/{organisation.pk}/", "n'a pas pu être vérifiée"),
        (f"/organisations/{organisation.pk}/edit/", "Modifier l'organisation"),
        (f"/briefs/{draft.pk}/", "Précisez les dates."),
        (f"/briefs/{draft.pk}/edit/outcome/", "Ce qui serait une réussite"),
        (f"/briefs/{draft.pk}/edit/practical/", "Équipe, dates et lieu"),
    ):
        page.goto(base + path)
        expect(page.get_by_text(text).first).to_be_visible()
        assert_accessible(page)

    page.get_by_role("button", name="English").click()
    page.goto(base + "/briefs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital projects of associations")
    assert_accessible(page)
    page.goto(f"{base}/organisations/{organisation.pk}/")
    expect(page.get_by_text("Changes requested").first).to_be_visible()
    assert_accessible(page)


def test_the_missions_table_reads_as_cards_on_a_phone(page: Page, live_server, login_as) -> None:
    owner = UserFactory.create(first_name="Sophie")
    organisation = make_organisation(
        owner, name="Toit Partagé", city="Marseille", postcode="13001", rna="W131000001"
    )
    Brief.objects.create(
        organisation=organisation,
        title="Un tableau de bord pour nos financeurs",
        need_category="data",
        problem="Nos chiffres sont dans quatre tableurs.",
    )
    login_as(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/organisations/{organisation.pk}/")
    title = page.get_by_role("link", name="Un tableau de bord pour nos financeurs")
    date = page.locator(".board-table td[data-label='Dernière modification']")
    title_box, date_box = title.bounding_box(), date.bounding_box()
    assert title_box and date_box
    # One card per brief: the date sits under the title instead of squeezing beside it.
    assert date_box["y"] >= title_box["y"] + title_box["height"]
    assert title_box["width"] > 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    # On a desktop it stays a table, the title taking the widest column.
    page.set_viewport_size({"width": 1280, "height": 900})
    title_box, date_box = title.bounding_box(), date.bounding_box()
    assert title_box and date_box
    assert abs(date_box["y"] - title_box["y"]) < 20 and title_box["width"] > date_box["width"]


def _boxes_overlap(a: FloatRect, b: FloatRect) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_the_moderation_pages_fit_at_1280(page: Page, live_server, login_as) -> None:
    owner = UserFactory.create()
    organisation = make_organisation(
        owner,
        name="Coopérative Mobilité Douce",
        legal_form="scic",
        rna="W691000001",
        city="Lyon",
        postcode="69007",
        description="Ateliers vélo.",
    )
    brief = Brief.objects.create(
        organisation=organisation,
        title="Automatiser les inscriptions aux ateliers de réparation de vélos du quartier",
        need_category="automation",
        problem="Les inscriptions arrivent par courriel.",
        state="submitted",
        submitted_at=datetime.datetime.now(tz=datetime.UTC),
    )
    brief.brief_skills.create(skill=Skill.objects.get(slug="django"))
    moderator = UserFactory.create(is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATOR_GROUP))
    login_as(moderator)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/admin/organisations/brief/{brief.pk}/change/")
    title = page.get_by_role("heading", name=brief.title).bounding_box()
    publish = page.get_by_role("button", name="Publier").bounding_box()
    assert title and publish and not _boxes_overlap(title, publish)
    # A skill row is not captioned again with its own text above it.
    expect(page.locator("td.original p")).to_be_hidden()

    page.goto(f"{live_server.url}/admin/organisations/brief/?state__exact=submitted")
    expect(page.get_by_role("columnheader", name="Publiée le")).to_be_visible()
    results = page.locator(".results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")


def test_catalogue_dates_the_wrong_way_round_are_explained(page: Page, live_server) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/briefs/")
    page.get_by_label("Début à partir du").fill(_date(60))
    page.get_by_label("Début au plus tard le").fill(_date(10))
    # htmx swaps the results and, out of band, the error beside the field.
    expect(page).to_have_url(re.compile(r"start_before="))
    error = page.locator("#id_start_before_error_slot")
    expect(error).to_contain_text("Cette date est antérieure à « Début à partir du »")
    expect(page.get_by_label("Début au plus tard le")).to_have_accessible_description(
        re.compile("antérieure")
    )
    assert_accessible(page)
    page.get_by_label("Début au plus tard le").fill(_date(90))
    expect(page).to_have_url(re.compile(r"start_before=" + _date(90)))
    expect(error).to_be_empty()
