"""Main journeys of schools, cohorts and students, in Chromium (French, axe on every page):
staff register a school and a cohort and share the code; a student joins with it and fills
a skills profile with the picker, by keyboard; the staff dashboard shows the student; a CSV
of 30 students with a BOM and semicolons is previewed, then imported; invitations."""

import datetime
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from matching.models import Skill
from notifications.models import Notification
from students import services
from students.models import Cohort, CohortInvitation, Enrolment, School, StudentProfile
from tests.factories import UserFactory

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _date(days: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def _cohort(
    staff: User,
    *,
    school: tuple[str, str, str],
    name: str,
    programme: str,
    days: int,
    hours: int,
    policy: str,
) -> Cohort:
    """A school (name, kind, city) created by ``staff`` and a cohort starting today."""
    school_name, kind, city = school
    created = services.school_create(name=school_name, kind=kind, city=city, acting_user=staff)
    return services.cohort_create(
        school=created,
        details=services.CohortDetails(
            name=name,
            programme=programme,
            starts_on=datetime.date.today(),
            ends_on=datetime.date.today() + datetime.timedelta(days=days),
            expected_hours=hours,
            application_policy=policy,
        ),
        acting_user=staff,
    )


def test_staff_share_a_code_a_student_joins_and_fills_the_profile(
    page: Page, live_server, login_as: Callable[[User], None]
) -> None:
    base = live_server.url
    thomas = UserFactory.create(first_name="Thomas", last_name="Cassar", intent="school_staff")
    login_as(thomas)

    # Register the school from the dashboard.
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Inscrire mon établissement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire mon établissement")
    assert_accessible(page)
    page.get_by_label("Nom de l'établissement").fill("ISEN Lille")
    page.get_by_label("École d'ingénieurs").check()
    page.get_by_label("Ville", exact=True).fill("Lille")
    page.get_by_role("button", name="Enregistrer l'établissement").click()

    # Create the cohort: a backwards date range is refused beside the field, in French.
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer une promotion")
    page.get_by_label("Nom de la promotion").fill("Projets solidaires 2026")
    page.get_by_label("Formation", exact=True).fill("Cycle ingénieur, 4e année")
    page.get_by_label("Début des projets").fill(_date(10))
    page.get_by_label("Fin des projets").fill(_date(5))
    page.get_by_label("Heures attendues par étudiant").fill("80")
    page.get_by_label("Un encadrant valide chaque candidature").check()
    page.get_by_role("button", name="Créer la promotion").click()
    expect(page.locator("#id_ends_on_error")).to_contain_text(
        "La date de fin doit être postérieure à la date de début."
    )
    expect(page.get_by_label("Fin des projets")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("Fin des projets").fill(_date(120))
    page.get_by_role("button", name="Créer la promotion").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Projets solidaires 2026")
    expect(page.get_by_text("Aucun étudiant pour l'instant")).to_be_visible()
    code = page.locator(".join-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert_accessible(page)

    # A student joins with the code typed loosely.
    lea = UserFactory.create(first_name="Léa", last_name="Martin", intent="student")
    page.context.clear_cookies()
    login_as(lea)
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Rejoindre ma promotion").click()
    assert_accessible(page)
    page.get_by_label("Code de la promotion").fill("AAAA-AAAA")
    page.get_by_role("button", name="Rejoindre la promotion").click()
    expect(page.locator("#id_code_error")).to_contain_text("ne correspond à aucune promotion")
    page.get_by_label("Code de la promotion").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Rejoindre la promotion").click()

    # Her profile: the picker finds Django by keyboard, a level is chosen, dates checked.
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    expect(page.get_by_text("Vous avez rejoint Projets solidaires 2026")).to_be_visible()
    expect(page.get_by_text("Profil complété à 0 %")).to_be_visible()
    assert_accessible(page)
    search = page.locator("#id_skills-0-skill-search")
    search.fill("django")
    result = page.locator("#id_skills-0-skill-results").get_by_role(
        "button", name=re.compile("Django")
    )
    expect(result).to_be_visible()
    # Enter in the search box searches again at once (it must not submit the whole profile);
    # wait for that search to be swapped in, or the result pressed below could be replaced
    # under the keyboard.
    with page.expect_response(re.compile(r"/skills/search/")):
        search.press("Enter")
    expect(page.locator(".skill-picker .htmx-request")).to_have_count(0)
    expect(page.get_by_text("Votre profil a été enregistré")).to_have_count(0)
    result.press("Enter")
    expect(page.locator("#id_skills-0-skill")).to_be_focused()
    django = Skill.objects.get(slug="django")
    expect(page.locator("#id_skills-0-skill")).to_have_value(str(django.pk))
    page.locator("#id_skills-0-level").select_option("3")
    page.locator("#id_skills-1-skill").select_option(label="PostgreSQL")
    page.locator("#id_skills-1-level").select_option("2")
    page.locator("#id_skills-2-skill").select_option(label="React")
    page.locator("#id_skills-2-wants_to_learn").check()
    page.get_by_label("Heures par semaine que vous pouvez donner").fill("8")
    page.get_by_label("Disponible à partir du").fill(_date(30))
    page.get_by_label("Disponible jusqu'au").fill(_date(10))
    page.locator("#id_city").fill("Lille")
    page.locator("#id_postcode").fill("59000")
    page.get_by_label("Numérique inclusif").check()
    page.get_by_label("Les associations peuvent voir mon profil").check()
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page.locator("#id_available_until_error")).to_contain_text("postérieure")
    assert not StudentProfile.objects.get(user=lea).skills.exists()
    assert_accessible(page)
    page.get_by_label("Disponible jusqu'au").fill(_date(100))
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page.get_by_text("Votre profil a été enregistré")).to_be_visible()
    expect(page.locator(".completion-label")).to_contain_text("Profil complété à")
    profile = StudentProfile.objects.get(user=lea)
    assert {(s.skill.slug, s.level, s.wants_to_learn) for s in profile.skills.all()} == {
        ("django", 3, False),
        ("postgresql", 2, False),
        ("react", 1, True),
    }
    assert profile.visibility_consented_at is not None
    page.get_by_role("link", name="Voir mon profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Léa Martin")
    expect(page.get_by_text("Les associations peuvent voir cette page")).to_be_visible()
    assert_accessible(page)

    # The staff dashboard shows her, with her skills and profile completion.
    page.context.clear_cookies()
    login_as(thomas)
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Projets solidaires 2026").click()
    row = page.get_by_role("row", name=re.compile("Léa Martin"))
    expect(row).to_contain_text("Django")
    expect(row).to_contain_text("PostgreSQL")
    expect(row).not_to_contain_text("React")  # a wish is not a skill
    expect(page.get_by_text("Aucune candidature pour l'instant")).to_be_visible()
    assert_accessible(page)
    row.get_by_role("link", name="Léa Martin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Léa Martin")
    expect(page.get_by_role("link", name=lea.email)).to_be_visible()


def test_csv_with_bom_and_semicolons_is_previewed_then_imported(
    page: Page, live_server, login_as: Callable[[User], None], tmp_path
) -> None:
    staff = UserFactory.create(first_name="Isabelle", last_name="Morel")
    cohort = _cohort(
        staff,
        school=("Simplon Roubaix", School.Kind.BOOTCAMP, "Roubaix"),
        name="Promo DWWM 2026",
        programme="Titre professionnel",
        days=70,
        hours=70,
        policy="free",
    )
    existing = UserFactory.create(email="etudiant0@simplon.fr", first_name="Inès", last_name="Roux")
    lines = ["courriel;prénom;nom;groupe"] + [
        f"etudiant{i}@simplon.fr;Prénom{i};Nom{i};{'Matin' if i % 2 else 'Soir'}" for i in range(30)
    ]
    bad = tmp_path / "promo-erreurs.csv"
    bad.write_bytes(("courriel;prénom\nlea@simplon.fr;Léa\n").encode())
    good = tmp_path / "promo.csv"
    good.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))

    login_as(staff)
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Importer un fichier CSV").click()
    assert_accessible(page)
    page.get_by_label("Fichier CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("alert")).to_contain_text("Colonne manquante : « nom »")
    assert_accessible(page)

    page.get_by_label("Fichier CSV").set_input_files(str(good))
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifier l'import")
    expect(page.get_by_text("promo.csv : 30 étudiants lus")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("etudiant0@simplon.fr"))).to_contain_text(
        "Inscrit"
    )
    expect(page.get_by_role("row", name=re.compile("etudiant7@simplon.fr"))).to_contain_text(
        "Invité"
    )
    assert not CohortInvitation.objects.exists()  # nothing written before confirmation
    assert_accessible(page)

    page.get_by_role("button", name="Importer 30 étudiants").click()
    expect(
        page.get_by_text("Import terminé : 1 étudiant inscrit, 29 invitations envoyées")
    ).to_be_visible()
    assert Enrolment.objects.filter(cohort=cohort, student=existing, group="Soir").exists()
    assert CohortInvitation.objects.filter(cohort=cohort).count() == 29
    assert Notification.objects.filter(kind="cohort_invitation").count() == 29
    expect(page.get_by_role("heading", name="29 invitations en attente de réponse")).to_be_visible()
    assert_accessible(page)


def test_invitations_pages_and_the_remaining_staff_pages(
    page: Page, live_server, login_as: Callable[[User], None]
) -> None:
    base = live_server.url
    staff = UserFactory.create(first_name="Thomas", last_name="Cassar")
    cohort = _cohort(
        staff,
        school=("ISEN Lille", School.Kind.ENGINEERING, "Lille"),
        name="Master Data 2026",
        programme="Master 2",
        days=90,
        hours=60,
        policy="allocation",
    )
    login_as(staff)
    for path, heading in [
        ("/schools/", "Mes établissements et promotions"),
        (f"/schools/{cohort.school_id}/", "ISEN Lille"),
        (f"/schools/{cohort.school_id}/edit/", "Modifier l'établissement"),
        (f"/cohorts/{cohort.pk}/edit/", "Modifier la promotion"),
    ]:
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)

    # Invite a colleague, then a student, from the pages.
    page.goto(f"{base}/schools/{cohort.school_id}/")
    page.get_by_role("link", name="Inviter un collègue").click()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail de votre collègue").fill("claire@isen.fr")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Une invitation a été envoyée à claire@isen.fr")).to_be_visible()
    page.goto(f"{base}/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Inviter par e-mail").click()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail de l'étudiant").fill("hugo@isen.fr")
    page.get_by_role("button", name="Envoyer l'invitation", exact=True).click()
    expect(page.get_by_text("Une invitation a été envoyée à hugo@isen.fr")).to_be_visible()

    # The student opens the link from the email, signed out, then signed in.
    link = Notification.objects.get(kind="cohort_invitation").link
    page.context.clear_cookies()
    page.goto(base + link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rejoindre la promotion Master Data 2026"
    )
    expect(page.get_by_role("link", name="Créer mon compte")).to_be_visible()
    assert_accessible(page)
    hugo = UserFactory.create(email="hugo@isen.fr", first_name="Hugo")
    login_as(hugo)
    page.goto(base + link)
    page.get_by_role("button", name="Accepter l'invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    assert Enrolment.objects.filter(student=hugo, cohort=cohort).exists()
    page.goto(base + link)
    expect(page.get_by_role("alert")).to_contain_text("déjà été utilisée")
    page.goto(base + "/dashboard/")
    expect(page.get_by_text("Master Data 2026")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{base}/join/{cohort.join_code}/")
    expect(page.get_by_text("Vous faites déjà partie de cette promotion.")).to_be_visible()
    assert_accessible(page)


def test_the_roster_fits_a_1280_screen_and_turns_into_cards_on_a_phone(
    page: Page, live_server, login_as: Callable[[User], None]
) -> None:
    from django.db.models.functions import Length

    from matching.models import Application
    from organisations.models import Brief, Organisation
    from organisations.workflow import BriefState
    from students.models import StudentSkill

    staff = UserFactory.create(first_name="Thomas", last_name="Cassar")
    cohort = _cohort(
        staff,
        school=("ISEN Lille", School.Kind.ENGINEERING, "Lille"),
        name="Projets solidaires 2026",
        programme="Cycle ingénieur, 4e année",
        days=90,
        hours=80,
        policy="approval",
    )
    # The worst case: long addresses, the longest skill names of the taxonomy, two live
    # applications each with long titles and the longest state label.
    longest = list(Skill.objects.order_by(-Length("name_fr"))[:4])
    organisation = Organisation.objects.create(
        name="Association des jardins", legal_form="association", city="Lille"
    )
    briefs = [
        Brief.objects.create(
            organisation=organisation,
            title=title,
            state=BriefState.PUBLISHED,
            need_category="website",
            problem="Notre site internet est ancien et nos adhérents ne trouvent rien.",
            expected_outcome="Un site simple que les bénévoles mettent à jour.",
            effort_hours=80,
            start_date=datetime.date.today(),
            end_date=datetime.date.today() + datetime.timedelta(days=60),
        )
        for title in (
            "Des ateliers pour aider nos publics avec les démarches en ligne",
            "Moderniser notre base des jeunes accompagnés",
        )
    ]
    for n in range(6):
        student = UserFactory.create(
            email=f"marie.dupontlefebvre.{n}@etu.demo.humanitech.fr",
            first_name="Marie-Charlotte",
            last_name=f"Dupont-Lefebvre {n}",
        )
        enrolment = Enrolment.objects.create(cohort=cohort, student=student, group="TD2")
        for brief, state in zip(briefs, ("awaiting_approval", "shortlisted"), strict=True):
            Application.objects.create(
                student=student, brief=brief, enrolment=enrolment, motivation="…", state=state
            )
        profile = StudentProfile.objects.create(user=student, hours_per_week=6)
        StudentSkill.objects.bulk_create(
            StudentSkill(profile=profile, skill=skill, level=3) for skill in longest
        )

    login_as(staff)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/")
    layout = page.evaluate(
        """() => {
        const table = document.querySelector("table.roster");
        const wrap = table.closest(".table-wrap").getBoundingClientRect();
        const buttons = [...table.querySelectorAll("tbody .link-button")];
        const line = parseFloat(getComputedStyle(table.querySelector(".skill-badge")).lineHeight);
        return {
            tableWidth: table.getBoundingClientRect().width,
            wrapWidth: wrap.width,
            buttonsInside: buttons.every(b => b.getBoundingClientRect().right <= wrap.right),
            tallestBadgeLines: Math.max(...[...table.querySelectorAll(".skill-badge")].map(
                b => Math.round((b.getBoundingClientRect().height - 4) / line))),
            scrollWidth: document.documentElement.scrollWidth,
        };
    }"""
    )
    assert layout["tableWidth"] <= layout["wrapWidth"], layout
    assert layout["buttonsInside"], layout  # "Retirer" whole, no sideways scroll
    assert layout["tallestBadgeLines"] <= 2, layout
    assert layout["scrollWidth"] <= 1280, layout
    assert_accessible(page)

    # On a phone each student is a card: no table header row, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("table.roster thead tr")).not_to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    remove = page.get_by_role("button", name="Retirer Marie-Charlotte Dupont-Lefebvre 0")
    remove.scroll_into_view_if_needed()
    expect(remove).to_be_in_viewport()
    expect(page.get_by_text("marie.dupontlefebvre.0@etu.demo.humanitech.fr")).to_be_visible()
    assert_accessible(page)
