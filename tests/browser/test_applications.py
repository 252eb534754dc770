"""The application journey in Chromium (French, axe on every page): a student finds a brief
among "Missions pour vous" and applies from its page; the staff approves (cohort policy
"staff approve"); the organisation accepts by keyboard, with a note; the team reaches its
minimum and the organisation starts the project; the student sees it has started."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from matching.models import (
    Application,
    RecomputeRun,
    Skill,
    TeamMember,
)
from matching.services.recommendations import recompute_all, recompute_queue
from notifications.models import Notification
from organisations.models import Brief, BriefSkill
from organisations.workflow import BriefState
from tests.cast import build_cast

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _switch_to(page: Page, login_as: Callable[[User], None], user: User) -> None:
    page.context.clear_cookies()
    login_as(user)


def test_apply_approve_accept_and_start_the_project(
    page: Page, live_server, login_as: Callable[[User], None]
) -> None:
    base = live_server.url
    cast = build_cast()  # student_a: Django and PostgreSQL; cohort_a: "staff approve"
    brief = cast.brief_a
    Brief.objects.filter(pk=brief.pk).update(
        title="Base de données des adhérents", team_min=1, team_max=2
    )
    BriefSkill.objects.filter(brief=brief).delete()
    for slug in ("django", "postgresql"):
        BriefSkill.objects.create(brief=brief, skill=Skill.objects.get(slug=slug), level=2)
    run = recompute_queue(trigger=RecomputeRun.Trigger.MANUAL)
    assert run is not None
    recompute_all(run=run)

    # The student finds the brief among their recommendations and applies from its page.
    login_as(cast.student_a)
    page.goto(base + "/matching/recommendations/")
    page.get_by_role("link", name="Base de données des adhérents").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Base de données des adhérents")
    assert_accessible(page)
    page.get_by_role("link", name="Postuler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Postuler à « Base de données des adhérents »"
    )
    expect(page.get_by_text("un encadrant valide chaque candidature")).to_be_visible()
    assert_accessible(page)
    motivation = page.get_by_label("Votre motivation")
    motivation.focus()
    page.keyboard.type("J'ai construit la base de l'association de mon quartier avec Django.")
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes candidatures")
    expect(page.get_by_text("Votre candidature est envoyée à votre établissement")).to_be_visible()
    expect(page.locator(".pill-awaiting_approval")).to_have_text(
        "En attente de validation par l'établissement"
    )
    assert_accessible(page)
    assert Notification.objects.filter(kind="approval_requested", recipient=cast.staff_a).exists()

    # The school approves from its cohort's page.
    _switch_to(page, login_as, cast.staff_a)
    page.goto(f"{base}/cohorts/{cast.cohort_a.pk}/")
    expect(page.locator(".roster .pill-awaiting_approval")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Voir les candidatures et les validations").click()
    expect(page.get_by_role("heading", name="À valider (1)")).to_be_visible()
    expect(page.get_by_text("J'ai construit la base de l'association")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Validée : « Base de données des adhérents »")).to_be_visible()
    expect(page.get_by_text("Rien à valider : vous êtes à jour.")).to_be_visible()
    assert_accessible(page)

    # The organisation reads it with the match explanation, and accepts it by keyboard.
    _switch_to(page, login_as, cast.owner_a)
    page.goto(f"{base}/briefs/{brief.pk}/")
    expect(page.get_by_text("1 candidature à traiter")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Voir les candidatures et l'équipe").click()
    expect(page.get_by_role("heading", name="L'équipe : 0 sur 2")).to_be_visible()
    expect(page.get_by_text("Il manque 1 étudiant pour démarrer le projet")).to_be_visible()
    expect(page.get_by_role("button", name="Démarrer le projet")).to_have_count(0)
    card = page.locator(f"#application-{Application.objects.get().pk}")
    expect(card.locator(".match-explanation")).to_be_visible()
    assert_accessible(page)
    note = card.locator("summary", has_text="Ajouter un message")
    note.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(card.get_by_label("Message pour l'étudiant")).to_be_focused()
    page.keyboard.type("Bienvenue ! Première réunion jeudi au local.")
    accept = card.get_by_role("button", name="Accepter dans l'équipe")
    accept.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("rejoint l'équipe. Un message lui a été envoyé.")).to_be_visible()
    expect(page.get_by_role("heading", name="L'équipe : 1 sur 2")).to_be_visible()
    assert TeamMember.objects.filter(brief=brief, student=cast.student_a, seat=1).exists()

    # The team has its minimum: the organisation starts the project.
    assert_accessible(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Démarrer le projet").click()
    expect(page.get_by_text("Le projet a démarré. Bon travail à l'équipe !")).to_be_visible()
    expect(page.locator(".page-header .pill")).to_have_text("En cours")
    assert_accessible(page)
    assert Brief.objects.get(pk=brief.pk).state == BriefState.IN_PROGRESS

    # The student sees where they stand, and the organisation's word.
    _switch_to(page, login_as, cast.student_a)
    page.goto(base + "/dashboard/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes candidatures"
    ).click()
    expect(
        page.get_by_text("Vous faites partie de l'équipe et le projet a démarré.")
    ).to_be_visible()
    expect(page.get_by_text("Bienvenue ! Première réunion jeudi au local.")).to_be_visible()
    assert_accessible(page)
    kinds = set(
        Notification.objects.filter(recipient=cast.student_a).values_list("kind", flat=True)
    )
    assert kinds == {"approval_given", "application_accepted"}
