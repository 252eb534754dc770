"""The cohort allocation in Chromium, on the demo cohort of 40 students (French, axe on
every page): a student reorders their choices by keyboard; an organisation orders its
candidates and says how many students it can host; staff compute an allocation, move one
student, publish; the student sees their placement; another school's staff see nothing of
it."""

import importlib
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from humanitech.demo import DemoContext
from humanitech.management.commands.seed_demo import SEEDERS
from matching.models import AllocationRun, OrganisationRanking, SavedBrief, TeamMember
from matching.selectors.allocations import organisation_capacity
from notifications.models import Notification
from students.models import Enrolment

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _seed_demo() -> DemoContext:
    ctx = DemoContext(scale=1, log=lambda message: None)
    for module_name in SEEDERS:
        importlib.import_module(module_name).seed(ctx)
    return ctx


def _ranked_student(cohort) -> User:
    """A student of the cohort with at least three choices."""
    for enrolment in Enrolment.objects.filter(cohort=cohort).select_related("student"):
        if SavedBrief.objects.filter(student=enrolment.student, rank__isnull=False).count() >= 3:
            return enrolment.student
    raise AssertionError("the demo cohort has no student with three choices")


def test_staff_allocate_the_demo_cohort_move_one_student_and_publish(
    page: Page, live_server, login_as: Callable[[User], None]
) -> None:
    base = live_server.url
    ctx = _seed_demo()
    cohort = ctx.objects["allocation_cohort"]
    assert Enrolment.objects.filter(cohort=cohort).count() == 40

    # A student reorders their choices with the keyboard; focus stays on the moved item.
    student = _ranked_student(cohort)
    login_as(student)
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Mes choix et ma répartition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma répartition")
    assert_accessible(page)
    titles = page.locator(".ranked-title a").all_inner_texts()
    second = page.get_by_role("button", name=f"Monter : {titles[1]}")
    second.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".ranked-title a").first).to_have_text(titles[1])
    expect(page.locator("[data-live-status]")).to_contain_text("favorite n° 1")
    # The moved brief is now first: its "Monter" is disabled, so focus went to its other button.
    expect(page.get_by_role("button", name=f"Descendre : {titles[1]}")).to_be_focused()
    page.context.clear_cookies()

    # Organisation A orders its candidates (nothing of an allocation exists yet).
    login_as(ctx.users["association"])
    brief = ctx.objects["organisation_a"].briefs.get(cohort_openings__cohort=cohort)
    page.goto(base + brief.get_absolute_url())
    page.get_by_role("link", name="Classer les candidats").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos candidats dans la promotion")
    assert_accessible(page)
    names = page.locator(".ranked-item .ranked-title").all_inner_texts()
    assert len(names) >= 2
    page.get_by_role("button", name=f"Descendre : {names[0]}").click()
    expect(page.locator(".ranked-item .ranked-title").nth(1)).to_have_text(names[0])
    expect(page.get_by_role("button", name=f"Descendre : {names[0]}")).to_be_focused()

    # It says how many students it can host in total: a wrong number is refused beside the
    # field, and nothing is saved.
    organisation = ctx.objects["organisation_a"]
    capacity = page.get_by_label("Étudiants que vous pouvez accueillir de cette promotion")
    capacity.fill("0")
    page.get_by_role("button", name="Enregistrer ce nombre").click()
    expect(page.locator("#id_capacity_error")).to_have_text(
        "Accueillez au moins un étudiant, ou laissez le champ vide."
    )
    expect(capacity).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert not OrganisationRanking.objects.filter(capacity__isnull=False).exists()
    seats = organisation_capacity(cohort=cohort, organisation=organisation).seats
    capacity.fill(str(seats))  # all its seats: the allocation below stays the same
    page.get_by_role("button", name="Enregistrer ce nombre").click()
    expect(page.locator(".messages")).to_contain_text(
        "Votre capacité d'accueil pour la promotion est enregistrée."
    )
    assert OrganisationRanking.objects.get(cohort=cohort, organisation=organisation).capacity == (
        seats
    )
    page.context.clear_cookies()

    # Staff compute the allocation from the cohort's page.
    login_as(ctx.users["ecole"])
    page.goto(base + f"/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Répartir la promotion sur les missions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cohort.name)
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile("Stable")).check()
    page.get_by_role("button", name="Calculer la répartition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposition de répartition")
    expect(page.locator(".stat").first).to_contain_text("/ 40")
    assert_accessible(page)
    run = AllocationRun.objects.get(cohort=cohort)
    assert run.state == "proposed"
    assert run.result["blocking_pairs"] == 0

    # Move one placed student elsewhere, seeing the effect first.
    first_row = page.locator(".team-table tbody tr").first
    mover = first_row.locator("td").first.inner_text()
    first_row.get_by_role("link", name=f"Déplacer {mover}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Déplacer {mover}")
    assert_accessible(page)
    page.get_by_label("Nouvelle mission").select_option(index=2)
    page.get_by_role("button", name="Voir l'effet").click()
    expect(page.get_by_role("heading", name="Effet de ce déplacement")).to_be_visible()
    expect(page.locator(".move-effect")).to_contain_text("Score d'adéquation total")
    expect(page.locator(".move-effect")).to_contain_text("Paires bloquantes")
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer le déplacement").click()
    expect(page.locator(".messages")).to_contain_text(f"{mover} est déplacé(e)")
    expect(page.get_by_text("Vous avez déplacé 1 étudiant à la main.")).to_be_visible()
    # A move by hand is not a change of the data: no "recompute" warning.
    expect(page.get_by_text("Les données ont changé depuis ce calcul")).to_have_count(0)

    run.refresh_from_db()
    moved = User.objects.get(
        pk=next(int(s) for s, b in run.assignment.items() if b != run.result["assignment"][s])
    )
    # Nothing of the proposal reaches students or organisations before publication.
    assert not TeamMember.objects.filter(allocation=run).exists()
    assert not Notification.objects.filter(kind="placement_published").exists()

    # Publish (the button asks for confirmation).
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publier la répartition").click()
    expect(page.locator(".messages")).to_contain_text("La répartition est publiée")
    expect(page.get_by_role("heading", level=1)).to_have_text("Répartition publiée")
    assert_accessible(page)
    run.refresh_from_db()
    assert run.state == "published"
    placed = TeamMember.objects.filter(allocation=run).count()
    assert placed == run.result["placed"] - (0 if run.assignment[str(moved.pk)] else 1)
    assert Notification.objects.filter(
        kind="placement_published", recipient=moved
    ).exists() == bool(run.assignment[str(moved.pk)])
    page.context.clear_cookies()

    # The moved student sees their placement.
    login_as(moved)
    page.goto(base + f"/matching/cohorts/{cohort.pk}/my-allocation/")
    member = (
        TeamMember.objects.filter(allocation=run, student=moved).select_related("brief").first()
    )
    if member is not None:
        expect(page.get_by_role("heading", level=2).first).to_have_text(
            f"Vous êtes affecté(e) à « {member.brief.title} »"
        )
    else:
        expect(
            page.get_by_role("heading", name="Pas de mission pour vous dans cette répartition")
        ).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    # Another school's staff see nothing of it.
    login_as(ctx.users["ecole2"])
    for path in (
        f"/matching/cohorts/{cohort.pk}/allocation/",
        f"/matching/cohorts/{cohort.pk}/allocation/runs/{run.pk}/",
    ):
        response = page.goto(base + path)
        assert response is not None and response.status == 404


def test_a_student_saves_and_ranks_favourites(
    page: Page, live_server, login_as: Callable[[User], None], cast
) -> None:
    from tests.matching.allocation_fixtures import published_brief

    base = live_server.url
    extra = published_brief(cast.org_a, title="Une carte des jardins partagés")
    login_as(cast.student_a)

    # Save two briefs from their pages (htmx swaps the card; focus stays on its button).
    for brief in (cast.brief_a, extra):
        page.goto(base + brief.get_absolute_url())
        page.get_by_role("button", name="Enregistrer").click()
        expect(
            page.get_by_role("button", name="Retirer de mes missions enregistrées")
        ).to_be_focused()
    assert_accessible(page)

    page.locator("#save-brief").get_by_role("link", name="Mes missions enregistrées").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes missions enregistrées")
    assert_accessible(page)
    for count, brief in enumerate((cast.brief_a, extra), start=1):
        page.get_by_role("button", name=f"Ajouter à mes favorites : {brief.title}").click()
        expect(
            page.get_by_role("heading", name=f"Mes favorites classées ({count} sur 5)")
        ).to_be_visible()
    expect(page.locator(".ranked-title a")).to_have_text([cast.brief_a.title, extra.title])
    page.get_by_role("button", name=f"Monter : {extra.title}").press("Enter")
    expect(page.locator(".ranked-title a")).to_have_text([extra.title, cast.brief_a.title])
    expect(page.get_by_role("button", name=f"Descendre : {extra.title}")).to_be_focused()
    expect(page.locator("[data-live-status]")).to_contain_text("favorite n° 1")
    assert_accessible(page)
    ranks = list(
        SavedBrief.objects.filter(student=cast.student_a)
        .order_by("rank")
        .values_list("brief_id", flat=True)
    )
    assert ranks == [extra.pk, cast.brief_a.pk]
