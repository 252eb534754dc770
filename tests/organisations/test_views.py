"""Pages of organisations and briefs: the guided form, bad input, escaping, dashboards."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import AuditEvent
from matching.models import Cause, Skill
from organisations.identifiers import make_siret
from organisations.models import Brief, BriefSkill, Organisation
from tests.factories import UserFactory

from .helpers import TODAY, complete_brief

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


def organisation_data(**overrides: object) -> dict[str, object]:
    return {
        "name": "Les Amis du Quartier",
        "legal_form": "association",
        "rna": "W595001234",
        "siren_or_siret": "",
        "causes": [Cause.objects.get(slug="food").pk],
        "city": "Roubaix",
        "postcode": "59100",
        "website": "",
        "description": "Une épicerie solidaire.",
        **overrides,
    }


def png(size: tuple[int, int] = (120, 80)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (200, 80, 20, 255)).save(buffer, format="PNG")
    return SimpleUploadedFile("notre logo.png", buffer.getvalue(), "image/png")


def errors_of(response) -> str:
    return " ".join(" ".join(messages) for messages in response.context["form"].errors.values())


def test_an_owner_registers_an_organisation_with_a_logo(client_for, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory.create()
    client = client_for(user)
    response = client.post("/organisations/new/", organisation_data(logo=png()))
    organisation = Organisation.objects.get(name="Les Amis du Quartier")
    assert (
        response.status_code == 302 and response["Location"] == f"/organisations/{organisation.pk}/"
    )
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", organisation.logo.name or "")
    assert (tmp_path / organisation.logo.name).exists()
    page = client.get(response["Location"])
    assert "Vérification en cours" in page.content.decode()


BAD_INPUT = [
    ({"siren_or_siret": "12345678901234", "rna": ""}, "Ce numéro SIRET n'est pas valide"),
    ({"siren_or_siret": "12345678A", "rna": ""}, "uniquement des chiffres"),
    ({"rna": "W12345"}, "W suivie de 9 chiffres"),
    ({"rna": "", "siren_or_siret": ""}, "Indiquez votre numéro RNA ou votre numéro SIREN/SIRET"),
    ({"name": SCRIPT}, "balises HTML"),
    ({"description": "Bonjour <b>gras</b>"}, "balises HTML"),
    ({"name": "x" * 20_000}, "au plus 150 caractères"),
    ({"postcode": "5910"}, "code postal français"),
    ({"website": "javascript:alert(1)"}, "adresse web"),
    ({"causes": []}, "obligatoire"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT)
def test_bad_organisation_input_is_explained_in_french(client_for, overrides, message) -> None:
    response = client_for(UserFactory.create()).post(
        "/organisations/new/", organisation_data(**overrides)
    )
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Organisation.objects.filter(city="Roubaix").exists()


def test_the_registration_numbers_say_one_of_the_two_is_needed(client_for) -> None:
    client = client_for(UserFactory.create())
    html = client.get("/organisations/new/").content.decode()
    for field, label in (("rna", "Numéro RNA"), ("siren_or_siret", "Numéro SIREN ou SIRET")):
        tag = re.search(rf'<label[^>]*for="id_{field}">(.*?)</label>', html, re.S)
        assert tag and label in tag.group(1)
        assert "(au moins l'un des deux)" in tag.group(1)
        assert "facultatif" not in tag.group(1)
    # Errors still show beside each field, linked to it.
    html = client.post(
        "/organisations/new/", organisation_data(rna="", siren_or_siret="")
    ).content.decode()
    assert 'id="id_rna_error"' in html and 'aria-describedby="id_rna_helptext id_rna_error"' in html


def test_a_fake_or_heavy_logo_is_refused(client_for) -> None:
    client = client_for(UserFactory.create())
    fake = SimpleUploadedFile("logo.png", b"GIF89a" + b"<script>" * 10, "image/png")
    response = client.post("/organisations/new/", organisation_data(logo=fake))
    assert "n'est pas une image PNG, JPEG ou WebP" in errors_of(response)
    heavy = SimpleUploadedFile("logo.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "image/jpeg")
    response = client.post("/organisations/new/", organisation_data(logo=heavy))
    assert "trop lourde" in errors_of(response) and "2 Mo" in errors_of(response)
    assert not Organisation.objects.filter(city="Roubaix").exists()


def test_an_owner_edits_and_a_valid_siret_is_stored(client_for, cast) -> None:
    siret = make_siret("120027016", "0001")
    data = organisation_data(name="Association A", siren_or_siret=siret[:9] + " " + siret[9:])
    response = client_for(cast.owner_a).post(f"/organisations/{cast.org_a.pk}/edit/", data)
    assert response.status_code == 302
    cast.org_a.refresh_from_db()
    assert (cast.org_a.siren, cast.org_a.siret, cast.org_a.city) == (siret[:9], siret, "Roubaix")


def test_the_guided_form_from_first_step_to_submission(client_for, cast) -> None:
    client = client_for(cast.owner_a)
    response = client.post(
        "/briefs/new/",
        {
            "title": "Gérer nos adhérents",
            "need_category": "crm",
            "problem": "Trois tableurs pour 400 adhérents.",
            "existing_tools": "Excel",
        },
    )
    brief = Brief.objects.get(title="Gérer nos adhérents")
    assert response["Location"] == f"/briefs/{brief.pk}/edit/outcome/"
    assert brief.brief_skills.count() >= 3  # proposals of the CRM category

    response = client.post(response["Location"], {"expected_outcome": "Un seul outil."})
    assert response["Location"] == f"/briefs/{brief.pk}/edit/practical/"
    practical = {
        "team_min": 2,
        "team_max": 4,
        "effort_hours": 120,
        "start_date": (TODAY + datetime.timedelta(days=15)).isoformat(),
        "end_date": (TODAY + datetime.timedelta(days=80)).isoformat(),
        "work_mode": "hybrid",
        "city": "Lille",
        "postcode": "59000",
    }
    response = client.post(response["Location"], practical)
    assert response["Location"] == f"/briefs/{brief.pk}/edit/skills/"

    page = client.get(response["Location"])
    assert page.context["new_skill_id"] in page.content.decode()
    rows = list(brief.brief_skills.order_by("pk"))
    data: dict[str, object] = {
        "skills-TOTAL_FORMS": len(rows) + 1,
        "skills-INITIAL_FORMS": len(rows),
        "skills-MIN_NUM_FORMS": 0,
        "skills-MAX_NUM_FORMS": 25,
    }
    for index, row in enumerate(rows):
        data |= {
            f"skills-{index}-skill": row.skill_id,
            f"skills-{index}-level": row.level,
            f"skills-{index}-weight": row.weight,
        }
    data[f"skills-{0}-DELETE"] = "on"
    data[f"skills-{0}-level"] = 1
    django = Skill.objects.get(slug="django")
    data |= {
        f"skills-{len(rows)}-skill": django.pk,
        f"skills-{len(rows)}-level": 3,
        f"skills-{len(rows)}-weight": 3,
    }
    response = client.post(f"/briefs/{brief.pk}/edit/skills/", data)
    assert response["Location"] == f"/briefs/{brief.pk}/review/"
    kept = set(brief.brief_skills.values_list("skill_id", flat=True))
    assert rows[0].skill_id not in kept and django.pk in kept
    assert BriefSkill.objects.get(brief=brief, skill=django).level == 3

    review = client.get(response["Location"])
    assert "Envoyer en relecture" in review.content.decode() and not review.context["missing"]
    response = client.post(f"/briefs/{brief.pk}/submit/")
    assert response["Location"] == f"/organisations/{cast.org_a.pk}/"
    brief.refresh_from_db()
    assert brief.state == "submitted"


def test_bad_practical_details_are_explained(client_for, cast) -> None:
    response = client_for(cast.member_a).post(
        f"/briefs/{cast.draft_a.pk}/edit/practical/",
        {
            "team_min": 5,
            "team_max": 2,
            "effort_hours": 100,
            "start_date": (TODAY + datetime.timedelta(days=30)).isoformat(),
            "end_date": (TODAY + datetime.timedelta(days=5)).isoformat(),
            "work_mode": "onsite",
            "city": "",
            "postcode": "",
        },
    )
    errors = response.context["form"].errors
    assert "ne peut pas être plus petite" in errors["team_max"][0]
    assert "après la date de début" in errors["end_date"][0]
    assert "Obligatoire quand les étudiants viennent chez vous" in errors["city"][0]
    cast.draft_a.refresh_from_db()
    assert (cast.draft_a.team_min, cast.draft_a.team_max) == (2, 4)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * 20_000, "au plus 120 caractères"),
        ("title", SCRIPT, "balises HTML"),
        ("problem", "Voir <a href='http://x'>ici</a>", "balises HTML"),
        ("existing_tools", "<img src=x onerror=alert(1)>", "balises HTML"),
    ],
)
def test_bad_brief_text_is_refused(client_for, cast, field, value, message) -> None:
    data = {"title": "Titre", "need_category": "website", "problem": "Un problème.", field: value}
    response = client_for(cast.owner_a).post(f"/briefs/{cast.draft_a.pk}/edit/problem/", data)
    assert message in response.context["form"].errors[field][0]
    cast.draft_a.refresh_from_db()
    assert cast.draft_a.title == "Site internet (draft_a)"


def test_stored_markup_is_displayed_as_text(client, cast) -> None:
    # Defence in depth: text that reached the database another way is still escaped.
    Brief.objects.filter(pk=cast.brief_a.pk).update(title=SCRIPT, problem=SCRIPT)
    Organisation.objects.filter(pk=cast.org_a.pk).update(name=SCRIPT, description=SCRIPT)
    html = client.get(f"/briefs/{cast.brief_a.pk}/").content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    html = client.get("/briefs/").content.decode()
    assert SCRIPT not in html


def test_a_non_draft_brief_cannot_be_edited(client_for, cast) -> None:
    response = client_for(cast.owner_a).get(f"/briefs/{cast.brief_a.pk}/edit/problem/")
    assert response.status_code == 302 and response["Location"] == f"/briefs/{cast.brief_a.pk}/"
    assert client_for(cast.owner_a).get(f"/briefs/{cast.draft_a.pk}/edit/nope/").status_code == 404


def test_a_member_sees_the_review_but_cannot_submit(client_for, cast) -> None:
    brief = complete_brief(cast.org_a, cast.member_a)
    client = client_for(cast.member_a)
    html = client.get(f"/briefs/{brief.pk}/review/").content.decode()
    assert "Seul un responsable" in html and cast.owner_a.display_name in html
    assert client.post(f"/briefs/{brief.pk}/submit/").status_code == 403


def test_the_review_says_what_is_missing_in_agreeing_french(client_for, cast) -> None:
    brief = complete_brief(cast.org_a, cast.owner_a, effort_hours=None, start_date=None)
    html = client_for(cast.owner_a).get(f"/briefs/{brief.pk}/review/").content.decode()
    assert '<span class="muted">pas encore indiquée</span>' in html  # la charge de travail
    assert '<span class="muted">pas encore indiquées</span>' in html  # les dates


def test_duplicate_then_cancel(client_for, cast) -> None:
    client = client_for(cast.owner_a)
    response = client.post(f"/briefs/{cast.brief_a.pk}/duplicate/")
    copy = Brief.objects.exclude(pk__in=[cast.brief_a.pk, cast.draft_a.pk]).get(
        organisation=cast.org_a
    )
    assert response["Location"] == f"/briefs/{copy.pk}/edit/problem/"
    client.post(f"/briefs/{copy.pk}/cancel/")
    copy.refresh_from_db()
    assert copy.state == "cancelled"


def test_the_organisation_board_and_dashboard_panel(
    client_for, cast, django_assert_max_num_queries
) -> None:
    client = client_for(cast.owner_a)
    for _ in range(3):
        complete_brief(cast.org_a, cast.member_a)
    with django_assert_max_num_queries(14) as few:
        board = client.get(f"/organisations/{cast.org_a.pk}/")
    for _ in range(20):
        complete_brief(cast.org_a, cast.member_a)
    with django_assert_max_num_queries(14) as many:
        client.get(f"/organisations/{cast.org_a.pk}/")
    assert len(few.captured_queries) == len(many.captured_queries)
    html = board.content.decode()
    assert "Relire et envoyer" in html and "Brouillon" in html and "Publiée" in html
    dashboard = client.get("/dashboard/").content.decode()
    assert "Association A" in dashboard and "brouillons à terminer" in dashboard
    student_dashboard = client_for(cast.student_a).get("/dashboard/").content.decode()
    assert 'id="organisations-panel-title"' not in student_dashboard


def test_my_organisations(client_for, cast) -> None:
    assert client_for(cast.owner_a).get("/organisations/")["Location"] == (
        f"/organisations/{cast.org_a.pk}/"
    )
    html = client_for(cast.student_a).get("/organisations/").content.decode()
    assert "Inscrire mon organisation" in html


def test_members_page_invitation_flow(client_for, cast, client) -> None:
    owner = client_for(cast.owner_a)
    response = owner.post(
        f"/organisations/{cast.org_a.pk}/members/invite/", {"email": "pas-un-mail"}
    )
    assert response.status_code == 400
    owner.post(f"/organisations/{cast.org_a.pk}/members/invite/", {"email": "lea@exemple.fr"})
    from notifications.models import Notification

    link = Notification.objects.get(kind="organisation_invitation").link
    page = client.get(link)
    assert page.status_code == 200 and "Rejoindre Association A" in page.content.decode()
    assert "next=" in page.content.decode()
    lea = UserFactory.create(email="lea@exemple.fr")
    response = client_for(lea).post(link)
    assert response["Location"] == f"/organisations/{cast.org_a.pk}/"
    assert cast.org_a.memberships.filter(user=lea, role="member").exists()
    assert client.get(link).context["is_pending"] is False
    assert client.get("/organisations/invitations/inconnu/").status_code == 404
    assert AuditEvent.objects.filter(action="organisation.join", actor=lea).exists()


def test_last_owner_leaving_is_refused_with_a_message(client_for, cast) -> None:
    client = client_for(cast.owner_a)
    response = client.post(f"/organisations/{cast.org_a.pk}/leave/", follow=True)
    assert "dernier responsable" in response.content.decode()
    assert cast.org_a.memberships.filter(user=cast.owner_a).exists()


def test_the_home_page_counts(client, cast) -> None:
    counts = client.get(reverse("home")).context["counts"]
    assert (counts.organisations, counts.published_briefs, counts.delivered_projects) == (2, 2, 0)
