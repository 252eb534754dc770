"""Demo data of the students app, and what moderators may read in the admin."""

import io

import pytest
from django.db.models import Count
from django.urls import reverse

import accounts.demo
import students.demo
from humanitech.demo import DemoContext
from students.models import Cohort, Enrolment, School, SchoolStaff, StudentProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _seed(scale: int) -> DemoContext:
    ctx = DemoContext(scale=scale, log=io.StringIO().write)
    accounts.demo.seed(ctx)
    students.demo.seed(ctx)
    return ctx


def test_demo_has_two_schools_three_cohorts_and_sixty_varied_students() -> None:
    ctx = _seed(1)
    assert School.objects.count() == 2 and Cohort.objects.count() == 3
    assert Enrolment.objects.count() == 60 == len(ctx.objects["students"])
    assert ctx.objects["school_a"].name == "ISEN Lille"
    assert SchoolStaff.objects.get(user__email="ecole@demo.humanitech.fr").role == "admin"
    assert SchoolStaff.objects.get(user__email="ecole2@demo.humanitech.fr").school.name == (
        "Simplon Roubaix"
    )
    lea = StudentProfile.objects.get(user__email="etudiant@demo.humanitech.fr")
    assert lea.visible_to_organisations and lea.visibility_consented_at
    assert {"django", "postgresql"} <= set(lea.skills.values_list("skill__slug", flat=True))
    assert Enrolment.objects.get(
        student__email="etudiant2@demo.humanitech.fr"
    ).cohort.school.name == ("Simplon Roubaix")
    # Varied profiles: many distinct skills, some students visible and some not.
    distinct = StudentProfile.objects.values("skills__skill").distinct().count()
    assert distinct > 40
    assert 0 < StudentProfile.objects.filter(visible_to_organisations=True).count() < 60
    assert all(user.check_password("humanitech-demo") for user in ctx.objects["students"][:3])


def test_demo_scale_multiplies_students_and_keeps_cohorts_small() -> None:
    _seed(3)
    assert Enrolment.objects.count() == 180 and Cohort.objects.count() == 9
    sizes = Cohort.objects.annotate(n=Count("enrolments")).values_list("n", flat=True)
    assert max(sizes) <= 21


def test_moderators_read_schools_and_cohorts_but_not_student_profiles(cast, client_for) -> None:
    client = client_for(cast.moderator)
    assert client.get(reverse("admin:students_school_changelist")).status_code == 200
    assert client.get(reverse("admin:students_cohort_changelist")).status_code == 200
    school = reverse("admin:students_school_change", args=[cast.school_a.pk])
    assert client.get(school).status_code == 200
    assert client.post(school, {"name": "Piraté"}).status_code == 403
    for name in ("studentprofile", "enrolment", "cohortinvitation", "rosterimport"):
        assert client.get(reverse(f"admin:students_{name}_changelist")).status_code == 403
    superuser = client_for(
        UserFactory.create(email="root@humanitech.fr", is_staff=True, is_superuser=True)
    )
    assert superuser.get(reverse("admin:students_studentprofile_changelist")).status_code == 200
    profile = reverse("admin:students_studentprofile_change", args=[cast.profile_a.pk])
    assert superuser.get(profile).status_code == 200
