"""The notification centre in Chromium: bell, centre, landing on the object, keyboard, a11y."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from notifications.models import Notification, NotificationPreference
from notifications.tokens import make_unsubscribe_token
from tests.factories import UserFactory
from tests.notifications.samples import emit

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bell_leads_to_the_object_and_the_count_drops(
    page: Page, live_server, login_as
) -> None:
    owner = UserFactory.create(first_name="Sophie")
    settings_path = reverse("accounts:settings")
    # What organisations (#3) will emit when a moderator verifies the organisation.
    emit(
        "organisation_verified",
        recipient=owner,
        link=settings_path,
        context={"organisation_name": "Les Jardins de Fives"},
    )
    emit("brief_published", recipient=owner, n=2, context={"brief_title": "Site vitrine"})
    login_as(owner)

    page.goto(live_server.url + reverse("dashboard"))
    bell = page.get_by_role("link", name="Notifications, 2 non lues")
    expect(bell).to_be_visible()
    bell.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    entry = page.get_by_role("link", name="Votre organisation Les Jardins de Fives est vérifiée")
    expect(entry).to_be_visible()
    assert_accessible(page)

    # Keyboard: reach the entry and open it; it is marked read on the way.
    entry.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(settings_path) + "$"))
    expect(page.get_by_role("link", name="Notifications, 1 non lue")).to_be_visible()

    # Back in the centre, the other one is marked read with the keyboard (htmx).
    page.goto(live_server.url + reverse("notifications:list"))
    button = page.get_by_role("button", name=re.compile("^Marquer comme lue"))
    expect(button).to_have_count(1)
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Notifications, aucune non lue")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Marquer comme lue"))).to_have_count(0)
    # Focus stays on the entry that changed rather than falling back to the page.
    expect(page.get_by_role("link", name=re.compile("Site vitrine"))).to_be_focused()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert_accessible(page)


def test_email_settings_and_unsubscribing_signed_out(page: Page, live_server, login_as) -> None:
    from organisations.models import MembershipRole, Organisation, OrganisationMembership

    person = UserFactory.create()
    organisation = Organisation.objects.create(
        name="Les Jardins de Fives", legal_form="association", city="Lille"
    )
    OrganisationMembership.objects.create(
        organisation=organisation, user=person, role=MembershipRole.OWNER
    )
    login_as(person)
    page.goto(live_server.url + reverse("notifications:preferences"))
    # Only the sections of an organisation member (and invitations, for anyone).
    expect(page.get_by_role("heading", level=2)).to_have_text(
        ["Votre organisation et ses projets", "Invitations et équipes"]
    )
    assert_accessible(page)
    group = page.get_by_role("group", name="Un étudiant postule à votre projet")
    group.get_by_label("Dans un résumé quotidien").check()
    page.get_by_role("button", name="Enregistrer mes réglages").click()
    expect(page.get_by_text("Vos réglages de notifications sont enregistrés.")).to_be_visible()
    assert NotificationPreference.objects.get(user=person).delivery == "digest"

    page.context.clear_cookies()
    token = make_unsubscribe_token(kind="brief_published", user_id=person.pk)
    page.goto(live_server.url + reverse("notifications:unsubscribe", args=[token]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ne plus recevoir ces e-mails ?")
    assert_accessible(page)
    page.get_by_role("button", name="Me désabonner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Désabonnement enregistré")
    assert_accessible(page)
    assert NotificationPreference.objects.get(user=person, kind="brief_published").delivery == "off"

    page.goto(live_server.url + reverse("notifications:unsubscribe", args=[token[:-3] + "abc"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien ne fonctionne pas")
    assert_accessible(page)


def test_an_empty_centre_says_what_comes_next(page: Page, live_server, login_as) -> None:
    login_as(UserFactory.create())
    page.goto(live_server.url + reverse("notifications:list"))
    expect(page.get_by_role("heading", name="Aucune notification pour l'instant")).to_be_visible()
    assert_accessible(page)


def test_mark_all_as_read_in_place(page: Page, live_server, login_as) -> None:
    person = UserFactory.create()
    for n in range(3):
        emit("application_received", recipient=person, n=n)
    login_as(person)
    page.goto(live_server.url + reverse("notifications:list"))
    expect(page.get_by_text("Nouveau", exact=True)).to_have_count(3)
    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(page.get_by_role("link", name="Notifications, aucune non lue")).to_be_visible()
    expect(page.get_by_text("Nouveau", exact=True)).to_have_count(0)
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_a_students_application_rings_the_owners_bell_and_leads_to_it(
    page: Page, live_server, login_as
) -> None:
    from matching.models import Application
    from tests.cast import build_cast
    from tests.matching.applications_fixtures import free

    cast = build_cast()
    free(cast.cohort_a)  # no school approval: the organisation hears at once
    base = live_server.url

    login_as(cast.student_a)
    page.goto(base + cast.brief_a.get_absolute_url())
    page.get_by_role("link", name="Postuler").click()
    page.get_by_label("Votre motivation").fill("Je connais bien Django et PostgreSQL.")
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes candidatures")
    application = Application.objects.get(student=cast.student_a, brief=cast.brief_a)

    page.context.clear_cookies()
    login_as(cast.owner_a)
    page.goto(base + reverse("dashboard"))
    bell = page.get_by_role("link", name="Notifications, 1 non lue")
    expect(bell).to_be_visible()
    bell.click()
    entry = page.get_by_role("link", name=re.compile(re.escape(cast.brief_a.title)))
    expect(entry).to_be_visible()
    assert_accessible(page)
    entry.click()

    # The owner lands on the application itself, on the brief's applications page.
    expect(page).to_have_url(re.compile(rf"#application-{application.pk}$"))
    expect(page.locator(f"#application-{application.pk}")).to_contain_text(
        "Je connais bien Django et PostgreSQL."
    )
    expect(page.get_by_role("link", name="Notifications, aucune non lue")).to_be_visible()
    assert_accessible(page)
