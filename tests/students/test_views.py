"""Pages of the students app: forms, errors in French, query counts, CSV round trips."""

import csv
import html
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from matching.models import Skill
from students.models import (
    CohortInvitation,
    Enrolment,
    RosterImport,
    StudentProfile,
    StudentSkill,
)
from students.tokens import invitation_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _add_students(cohort, count: int) -> None:
    """``count`` students with a profile, three skills and two causes each."""
    from accounts.models import User
    from matching.models import Cause

    start = User.objects.count()
    users = User.objects.bulk_create(
        User(email=f"s{start + i}@ecole.fr", first_name="Élève", last_name=f"N{start + i}")
        for i in range(count)
    )
    Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, student=u, source="import", group=f"TD{i % 3}")
        for i, u in enumerate(users)
    )
    profiles = StudentProfile.objects.bulk_create(
        StudentProfile(user=u, hours_per_week=6, city="Lille", postcode="59000") for u in users
    )
    skills = list(Skill.objects.order_by("pk")[:3])
    StudentSkill.objects.bulk_create(
        StudentSkill(profile=p, skill=s, level=2) for p in profiles for s in skills
    )
    causes = list(Cause.objects.order_by("pk")[:2])
    through = StudentProfile.causes.through
    through.objects.bulk_create(
        through(studentprofile_id=p.pk, cause_id=c.pk) for p in profiles for c in causes
    )


# --- Constant query counts -------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["students:cohort_detail", "students:cohort_export"])
def test_cohort_pages_cost_the_same_queries_for_5_and_300_students(
    cast, client_for, django_assert_max_num_queries, url_name
) -> None:
    client = client_for(cast.staff_a)
    url = reverse(url_name, kwargs={"pk": cast.cohort_a.pk})
    _add_students(cast.cohort_a, 4)  # + student_a = 5
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(14) as small:
        assert client.get(url).status_code == 200
    _add_students(cast.cohort_a, 295)
    with django_assert_max_num_queries(14) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
    if url_name == "students:cohort_detail":
        assert response.context["roster"].students == 300


def test_school_list_and_dashboard_cost_constant_queries(
    cast, client_for, django_assert_max_num_queries
) -> None:
    from students import services
    from students.services import CohortDetails

    client = client_for(cast.staff_a)
    counts = []
    for extra in (1, 6):
        for n in range(extra):
            services.cohort_create(
                school=cast.school_a,
                details=CohortDetails(
                    name=f"Promo {extra}-{n}",
                    programme="P",
                    starts_on=timezone.localdate(),
                    ends_on=timezone.localdate(),
                    expected_hours=10,
                    application_policy="free",
                ),
                acting_user=cast.staff_a,
            )
        with django_assert_max_num_queries(20) as captured:
            assert client.get(reverse("students:school_list")).status_code == 200
            assert client.get(reverse("dashboard")).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- Staff dashboard -------------------------------------------------------------------------


def test_cohort_page_shows_the_roster_and_the_empty_application_state(cast, client_for) -> None:
    response = client_for(cast.staff_a).get(
        reverse("students:cohort_detail", kwargs={"pk": cast.cohort_a.pk})
    )
    body = _text(response)
    assert "student.a<wbr>@ecole-a.fr" in body  # a narrow column breaks it before the @
    assert "Django" in body and "PostgreSQL" in body
    assert "Aucune candidature pour l'instant" in body
    assert cast.cohort_a.join_code_display in body
    row = response.context["roster"].rows[0]
    assert row.completion.percent == 63  # 2 of 3 skills, availability, place, languages


def test_roster_filters(cast, client_for) -> None:
    _add_students(cast.cohort_a, 3)
    url = reverse("students:cohort_detail", kwargs={"pk": cast.cohort_a.pk})
    client = client_for(cast.staff_a)
    assert len(client.get(url, {"group": "TD1"}).context["roster"].rows) == 1
    assert len(client.get(url, {"show": "incomplete"}).context["roster"].rows) == 4
    assert len(client.get(url, {"show": "no_application"}).context["roster"].rows) == 4
    assert len(client.get(url, {"show": "nonsense"}).context["roster"].rows) == 4


def test_export_neutralises_formulas(cast, client_for) -> None:
    cast.student_a.first_name = '=HYPERLINK("http://evil","clic")'
    cast.student_a.save()
    StudentProfile.objects.filter(pk=cast.profile_a.pk).update(city="+33 Lille")
    response = client_for(cast.staff_a).get(
        reverse("students:cohort_export", kwargs={"pk": cast.cohort_a.pk})
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Nom", "Prénom", "E-mail", "Groupe"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil","clic")'
    assert rows[1][10] == "'+33 Lille"
    assert "Django (3)" in rows[1][5]


def test_archive_and_regenerate_code(cast, client_for) -> None:
    client = client_for(cast.staff_a)
    old = cast.cohort_a.join_code
    client.post(reverse("students:cohort_join_code_regenerate", kwargs={"pk": cast.cohort_a.pk}))
    cast.cohort_a.refresh_from_db()
    assert cast.cohort_a.join_code != old
    client.post(reverse("students:cohort_archive", kwargs={"pk": cast.cohort_a.pk}))
    cast.cohort_a.refresh_from_db()
    assert cast.cohort_a.is_archived
    response = client_for(UserFactory.create()).get(
        reverse("students:join_with_code", kwargs={"code": cast.cohort_a.join_code})
    )
    assert "archivée" in _text(response)


def test_cohort_form_rejects_backwards_dates_in_french(cast, client_for) -> None:
    today = timezone.localdate()
    response = client_for(cast.staff_a).post(
        reverse("students:cohort_create", kwargs={"pk": cast.school_a.pk}),
        {
            "name": "Promo",
            "programme": "Bachelor",
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
            "expected_hours": "40",
            "application_policy": "free",
            "max_accepted_applications": "1",
            "allowed_email_domain": "pas un domaine",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["ends_on"] == ["La date de fin doit être postérieure à la date de début."]
    assert "nom de domaine" in errors["allowed_email_domain"][0]
    assert cast.school_a.cohorts.count() == 1


def test_supervisors_get_403_on_admin_actions(cast, client_for) -> None:
    from students.models import SchoolStaff

    supervisor = UserFactory.create()
    SchoolStaff.objects.create(school=cast.school_a, user=supervisor, role="supervisor")
    client = client_for(supervisor)
    assert (
        client.get(reverse("students:cohort_detail", kwargs={"pk": cast.cohort_a.pk})).status_code
        == 200
    )
    assert (
        client.get(reverse("students:cohort_edit", kwargs={"pk": cast.cohort_a.pk})).status_code
        == 403
    )
    assert (
        client.post(reverse("students:cohort_archive", kwargs={"pk": cast.cohort_a.pk})).status_code
        == 403
    )
    assert (
        client.get(
            reverse("students:school_staff_invite", kwargs={"pk": cast.school_a.pk})
        ).status_code
        == 403
    )
    # Supervisors still enrol students.
    assert (
        client.get(reverse("students:cohort_invite", kwargs={"pk": cast.cohort_a.pk})).status_code
        == 200
    )


# --- CSV import through the pages ------------------------------------------------------------


def _upload(client, cohort, data: bytes, name: str = "promo.csv"):
    return client.post(
        reverse("students:cohort_import", kwargs={"pk": cohort.pk}),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_import_preview_then_confirm(cast, client_for) -> None:
    client = client_for(cast.staff_a)
    rows = "".join(f"etu{i}@ecole-a.fr;Prénom{i};Nom{i};TD{i % 2}\r\n" for i in range(30))
    data = b"\xef\xbb\xbf" + ("courriel;prénom;nom;groupe\r\n" + rows).encode("utf-8")
    response = _upload(client, cast.cohort_a, data)
    assert response.status_code == 302
    staged = RosterImport.objects.get()
    assert response["Location"] == reverse(
        "students:cohort_import_preview", kwargs={"pk": cast.cohort_a.pk, "token": staged.token}
    )
    preview = client.get(response["Location"])
    assert "30 étudiants lus" in _text(preview)
    assert not CohortInvitation.objects.exists()

    done = client.post(
        reverse(
            "students:cohort_import_confirm",
            kwargs={"pk": cast.cohort_a.pk, "token": staged.token},
        )
    )
    assert done.status_code == 302
    assert CohortInvitation.objects.filter(cohort=cast.cohort_a, source="import").count() == 30
    assert CohortInvitation.objects.get(email="etu3@ecole-a.fr").group == "TD1"
    # The preview cannot be confirmed twice.
    assert client.get(preview.request["PATH_INFO"]).status_code == 404


def _preview_text(client, cohort, lines: list[str]) -> str:
    data = ("courriel;prénom;nom\r\n" + "".join(f"{line}\r\n" for line in lines)).encode()
    response = _upload(client, cohort, data)
    assert response.status_code == 302, _text(response)
    return " ".join(_text(client.get(response["Location"])).split())


def test_import_preview_counts_in_french_and_the_button_counts_what_changes(
    cast, client_for
) -> None:
    UserFactory.create(email="compte@ecole-a.fr")
    text = _preview_text(
        client_for(cast.staff_a),
        cast.cohort_a,
        [
            f"{cast.student_a.email};Ana;Déjà",  # already enrolled: nothing to do
            "compte@ecole-a.fr;Cam;Compte",  # has an account: enrolled
            "nouveau1@ecole-a.fr;Noé;Un",  # invited
            "nouveau2@ecole-a.fr;Zoé;Deux",
        ],
    )
    assert "4 étudiants lus" in text
    assert '1</span> <span class="stat-label">a un compte et sera inscrit<' in text
    assert '2</span> <span class="stat-label">recevront une invitation par e-mail<' in text
    assert '1</span> <span class="stat-label">est déjà inscrit (rien à faire)<' in text
    assert ">Importer 3 étudiants</button>" in text


def test_import_preview_of_students_all_enrolled_offers_nothing_to_confirm(
    cast, client_for
) -> None:
    text = _preview_text(client_for(cast.staff_a), cast.cohort_a, [f"{cast.student_a.email};A;B"])
    assert "il n'y a rien à importer" in text
    assert "/confirm/" not in text  # no "Importer 0 étudiant" button


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"courriel;nom\na@b.fr;Martin\n", "Colonne manquante"),
        (b"email;first name;last name\nnot-an-email;A;B\n", "n'est pas une adresse e-mail"),
        (b"email;first name;last name\na@b.fr;A;B\nA@b.fr;C;D\n", "figure déjà ligne 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "n'est pas un fichier CSV"),
        (b"email;first name;last name\n" + b"etudiant@ecole.fr;Prenom;Nom\n" * 100_000, "1 Mo"),
    ],
)
def test_bad_files_are_explained_and_nothing_is_written(cast, client_for, data, message) -> None:
    response = _upload(client_for(cast.staff_a), cast.cohort_a, data)
    assert response.status_code == 200
    assert message in _text(response)
    assert "Rien n'a été importé" in _text(response)
    assert not RosterImport.objects.exists() and not CohortInvitation.objects.exists()


def test_another_school_cannot_see_or_confirm_a_preview(cast, client_for) -> None:
    staged = RosterImport.objects.create(
        token="9d3c1e34-5f1c-4f43-a8c6-5a9b3b1d2e11",
        cohort=cast.cohort_a,
        created_by=cast.staff_a,
        rows=[],
    )
    url = reverse(
        "students:cohort_import_confirm", kwargs={"pk": cast.cohort_b.pk, "token": staged.token}
    )
    assert client_for(cast.staff_b).post(url).status_code == 404


# --- Joining ---------------------------------------------------------------------------------


def test_join_page_enrols_with_a_code_typed_loosely(cast, client_for) -> None:
    lea = UserFactory.create(intent="student")
    code = cast.cohort_a.join_code
    response = client_for(lea).post(
        reverse("students:join"), {"code": f" {code[:4].lower()}-{code[4:].lower()} "}
    )
    assert response.status_code == 302 and response["Location"] == reverse("students:profile_edit")
    assert Enrolment.objects.filter(cohort=cast.cohort_a, student=lea).exists()


def test_join_link_asks_before_enrolling(cast, client_for) -> None:
    lea = UserFactory.create()
    client = client_for(lea)
    url = reverse("students:join_with_code", kwargs={"code": cast.cohort_a.join_code})
    page = client.get(url)
    assert page.status_code == 200 and "Promotion A" in _text(page)
    assert not Enrolment.objects.filter(student=lea).exists()
    assert client.post(url).status_code == 302
    assert Enrolment.objects.filter(student=lea, cohort=cast.cohort_a).exists()


def test_wrong_codes_are_rate_limited(cast, client_for) -> None:
    client = client_for(UserFactory.create())
    for _ in range(10):
        response = client.post(reverse("students:join"), {"code": "AAAA-AAAA"})
        assert "ne correspond à aucune promotion" in _text(response)
    response = client.post(reverse("students:join"), {"code": cast.cohort_a.join_code})
    assert "Trop de codes erronés" in _text(response)
    assert (
        not Enrolment.objects.filter(cohort=cast.cohort_a).exclude(student=cast.student_a).exists()
    )


def test_invitation_page_for_anonymous_then_accept(cast, client_for, client) -> None:
    from students import services

    invitation = services.cohort_invite(
        cohort=cast.cohort_a, email="ines@ecole-a.fr", acting_user=cast.staff_a
    )
    url = reverse(
        "students:cohort_invitation_accept",
        kwargs={"token": invitation_token("cohort", invitation.pk, invitation.nonce)},
    )
    page = client.get(url)
    body = _text(page)
    assert "Rejoindre la promotion Promotion A" in body and "Créer mon compte" in body
    assert client.post(url)["Location"].startswith(reverse("account_login"))

    ines = UserFactory.create(email="ines@ecole-a.fr")
    assert client_for(ines).post(url).status_code == 302
    assert Enrolment.objects.filter(
        student=ines, cohort=cast.cohort_a, source="invitation"
    ).exists()
    assert "déjà été utilisée" in _text(client_for(ines).get(url))


def test_bad_invitation_links_are_404_with_a_french_message(client) -> None:
    response = client.get(
        reverse("students:cohort_invitation_accept", kwargs={"token": "not-a-token"})
    )
    assert response.status_code == 404
    assert "n'est pas valide" in _text(response)


# --- Profiles --------------------------------------------------------------------------------


def _profile_post(**overrides: str) -> dict[str, object]:
    django = Skill.objects.get(slug="django")
    data: dict[str, object] = {
        "skills-TOTAL_FORMS": "2",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "40",
        "skills-0-skill": str(django.pk),
        "skills-0-level": "3",
        "skills-1-skill": "",
        "skills-1-level": "1",
        "hours_per_week": "8",
        "available_from": "2026-11-26",
        "available_until": "2027-02-26",
        "city": "Lille",
        "postcode": "59000",
        "remote_preference": "either",
        "languages": ["fr"],
        "bio": "<script>alert(1)</script> J'aime Django.",
        "visible_to_organisations": "on",
    }
    data.update(overrides)
    return data


def test_profile_edit_saves_and_records_consent(cast, client_for) -> None:
    response = client_for(cast.student_b).post(reverse("students:profile_edit"), _profile_post())
    assert response.status_code == 302
    profile = StudentProfile.objects.get(user=cast.student_b)
    assert profile.visible_to_organisations and profile.visibility_consented_at
    assert [(s.skill.slug, s.level) for s in profile.skills.all()] == [("django", 3)]
    page = client_for(cast.student_b).get(
        reverse("students:profile_detail", kwargs={"pk": profile.pk})
    )
    body = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"skills-0-level": "7"}, None, "Choisissez un niveau entre 1 (notions) et 4 (expert)"),
        ({"available_until": "2026-01-01"}, "available_until", "postérieure à la date de début"),
        ({"postcode": "59"}, "postcode", "5 chiffres"),
        ({"github_url": "javascript:alert(1)"}, "github_url", "URL valide"),
        ({"github_url": "https://gitlab.com/lea"}, "github_url", "GitHub"),
        ({"hours_per_week": "-3"}, "hours_per_week", "supérieure ou égale"),
    ],
)
def test_profile_bad_input_is_explained_beside_the_field(
    cast, client_for, overrides, field, message
) -> None:
    before = list(
        StudentSkill.objects.filter(profile=cast.profile_a).values_list("level", flat=True)
    )
    response = client_for(cast.student_a).post(
        reverse("students:profile_edit"), _profile_post(**overrides)
    )
    assert response.status_code == 200
    body = _text(response)
    assert message in body and "Merci de corriger les erreurs" in body
    if field:
        assert message in str(response.context["form"].errors[field])
    assert (
        list(StudentSkill.objects.filter(profile=cast.profile_a).values_list("level", flat=True))
        == before
    )


def test_duplicate_skills_are_refused(cast, client_for) -> None:
    django = str(Skill.objects.get(slug="django").pk)
    response = client_for(cast.student_b).post(
        reverse("students:profile_edit"), _profile_post(**{"skills-1-skill": django})
    )
    assert "déjà dans votre liste" in _text(response)
    assert not StudentSkill.objects.filter(profile=cast.profile_b).exists()


def test_profile_visible_to_organisations_only_after_opt_in(cast, client_for, monkeypatch) -> None:
    import humanitech.roles

    real = humanitech.roles._organisation_ids
    monkeypatch.setattr(
        humanitech.roles,
        "_organisation_ids",
        lambda user: (999,) if user.pk == cast.owner_b.pk else real(user),
    )
    url = reverse("students:profile_detail", kwargs={"pk": cast.profile_a.pk})
    assert client_for(cast.owner_b).get(url).status_code == 404
    StudentProfile.objects.filter(pk=cast.profile_a.pk).update(
        visible_to_organisations=True, visibility_consented_at=timezone.now()
    )
    page = client_for(cast.owner_b).get(url)
    assert page.status_code == 200
    assert cast.student_a.email not in _text(page)  # never the address
    # Staff of another school still see nothing; their own students stay theirs.
    assert client_for(cast.staff_b).get(url).status_code == 404
