"""Services of the students app: rules, audit rows, notifications, all-or-nothing imports."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from humanitech.roles import Roles, roles_for
from matching.models import Cause, Skill
from notifications.models import Notification
from students import selectors, services
from students.csv_import import RosterRow
from students.models import (
    ApplicationPolicy,
    Cohort,
    CohortInvitation,
    Enrolment,
    RosterImport,
    School,
    SchoolStaff,
    StudentProfile,
    StudentSkill,
)
from students.services import CohortDetails, ProfileDetails, SkillEntry
from students.tokens import invitation_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


def _details(**overrides: object) -> CohortDetails:
    values: dict = {
        "name": "Développement web 2026",
        "programme": "Cycle ingénieur, 4e année",
        "starts_on": TODAY,
        "ends_on": TODAY + timedelta(days=90),
        "expected_hours": 60,
        "application_policy": ApplicationPolicy.APPROVAL,
    }
    values.update(overrides)
    return CohortDetails(**values)  # type: ignore[arg-type]


# --- Schools and staff -----------------------------------------------------------------------


def test_school_creator_becomes_admin_and_the_creation_is_audited() -> None:
    thomas = UserFactory.create()
    school = services.school_create(
        name=" ISEN Lille ", kind=School.Kind.ENGINEERING, city="Lille", acting_user=thomas
    )
    assert school.name == "ISEN Lille"
    assert school.staff.get().role == SchoolStaff.Role.ADMIN
    assert roles_for(thomas).school_ids == (school.pk,)
    assert AuditEvent.objects.filter(action="school.create", actor=thomas).exists()


def test_staff_invitation_is_a_signed_link_sent_once_per_link(cast) -> None:
    invitation = services.school_staff_invite(
        school=cast.school_a,
        email="Claire.Petit@Ecole-A.fr",
        role=SchoolStaff.Role.SUPERVISOR,
        acting_user=cast.staff_a,
    )
    assert invitation.email == "claire.petit@ecole-a.fr"
    sent = Notification.objects.get(kind="school_invitation")
    assert sent.email == "claire.petit@ecole-a.fr" and sent.recipient is None
    assert sent.context == {"school_name": "École A", "inviter_name": cast.staff_a.display_name}
    token = invitation_token("school", invitation.pk, invitation.nonce)
    assert sent.link == f"/schools/invitation/{token}/"

    # Inviting again sends a fresh link: the first one stops working.
    first_nonce = invitation.nonce
    again = services.school_staff_invite(
        school=cast.school_a,
        email="claire.petit@ecole-a.fr",
        role="admin",
        acting_user=cast.staff_a,
    )
    assert again.pk == invitation.pk and again.nonce != first_nonce and again.role == "admin"
    assert Notification.objects.filter(kind="school_invitation").count() == 2


def test_staff_invitation_accept_makes_a_staff_member_once(cast) -> None:
    claire = UserFactory.create(email="claire@ecole-a.fr")
    invitation = services.school_staff_invite(
        school=cast.school_a, email=claire.email, role="supervisor", acting_user=cast.staff_a
    )
    membership = services.school_invitation_accept(invitation=invitation, acting_user=claire)
    assert membership.role == "supervisor" and membership.school == cast.school_a
    with pytest.raises(ValidationError, match="déjà été utilisée"):
        services.school_invitation_accept(invitation=invitation, acting_user=claire)


def test_only_admins_invite_and_a_school_keeps_an_admin(cast) -> None:
    with pytest.raises(ValidationError, match="administrateur"):
        services.school_staff_invite(
            school=cast.school_a, email="x@y.fr", role="admin", acting_user=cast.staff_b
        )
    with pytest.raises(ValidationError, match="déjà partie"):
        services.school_staff_invite(
            school=cast.school_a, email=cast.staff_a.email, role="admin", acting_user=cast.staff_a
        )
    only_admin = cast.school_a.staff.get(user=cast.staff_a)
    with pytest.raises(ValidationError, match="au moins un administrateur"):
        services.school_staff_remove(membership=only_admin, acting_user=cast.staff_a)


# --- Cohorts ---------------------------------------------------------------------------------


def test_cohort_creation_draws_a_join_code_and_checks_its_fields(cast) -> None:
    cohort = services.cohort_create(
        school=cast.school_a,
        details=_details(allowed_email_domain="@ISEN.fr", supervisors=[cast.staff_a]),
        acting_user=cast.staff_a,
    )
    assert len(cohort.join_code) == 8 and cohort.allowed_email_domain == "isen.fr"
    assert list(cohort.supervisors.all()) == [cast.staff_a]
    assert selectors.cohort_supervisors(cohort=cohort) == [cast.staff_a]

    with pytest.raises(ValidationError) as error:
        services.cohort_create(
            school=cast.school_a,
            details=_details(ends_on=TODAY - timedelta(days=1)),
            acting_user=cast.staff_a,
        )
    assert error.value.message_dict == {
        "ends_on": ["La date de fin doit être postérieure à la date de début."]
    }
    with pytest.raises(ValidationError, match="équipe de l'établissement"):
        services.cohort_create(
            school=cast.school_a,
            details=_details(supervisors=[cast.staff_b]),
            acting_user=cast.staff_a,
        )


def test_cohort_capacity_cannot_drop_below_its_head_count(cast) -> None:
    Enrolment.objects.create(cohort=cast.cohort_a, student=UserFactory.create(), source="code")
    with pytest.raises(ValidationError, match="2 étudiants sont déjà inscrits"):
        services.cohort_update(
            cohort=cast.cohort_a, details=_details(max_students=1), acting_user=cast.staff_a
        )


def test_regenerated_code_replaces_the_old_one(cast) -> None:
    old = cast.cohort_a.join_code
    new = services.cohort_join_code_regenerate(cohort=cast.cohort_a, acting_user=cast.staff_a)
    assert new != old
    assert selectors.cohort_for_join_code(code=old) is None
    assert selectors.cohort_for_join_code(code=f"{new[:4].lower()}-{new[4:]}") == cast.cohort_a


# --- Joining with a code ---------------------------------------------------------------------


def _join(cohort: Cohort | None, user) -> Enrolment:
    return services.cohort_join(cohort=cohort, acting_user=user)


def test_join_with_a_code_enrols_once_and_creates_the_profile(cast) -> None:
    lea = UserFactory.create()
    enrolment = _join(cast.cohort_a, lea)
    assert enrolment.source == "code"
    assert StudentProfile.objects.filter(user=lea).exists()
    assert roles_for(lea).is_student
    assert _join(cast.cohort_a, lea) == enrolment  # joining twice changes nothing


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("wrong", "ne correspond à aucune promotion"),
        ("expired", "Ce code a expiré"),
        ("archived", "archivée"),
        ("full", "complète"),
        ("domain", "réservée aux adresses en @isen.fr"),
    ],
)
def test_join_refusals_are_clear_and_change_nothing(cast, setup: str, message: str) -> None:
    cohort: Cohort | None = cast.cohort_a
    assert cohort is not None
    if setup == "wrong":
        cohort = selectors.cohort_for_join_code(code="ZZZZ-ZZZZ")
    elif setup == "expired":
        cohort.join_code_expires_on = timezone.localdate() - timedelta(days=1)
    elif setup == "archived":
        cohort.archived_at = timezone.now()
    elif setup == "full":
        cohort.max_students = 1
    elif setup == "domain":
        cohort.allowed_email_domain = "isen.fr"
    if cohort is not None:
        cohort.save()
    before = Enrolment.objects.count()
    with pytest.raises(ValidationError, match=message):
        _join(cohort, UserFactory.create(email="lea@gmail.com"))
    assert Enrolment.objects.count() == before


def test_domain_restriction_accepts_subdomains(cast) -> None:
    cast.cohort_a.allowed_email_domain = "isen.fr"
    cast.cohort_a.save()
    assert _join(cast.cohort_a, UserFactory.create(email="lea@etu.isen.fr"))


# --- Email invitations -----------------------------------------------------------------------


def test_cohort_invitation_for_a_new_address_and_for_an_account(cast) -> None:
    services.cohort_invite(
        cohort=cast.cohort_a, email="new@ecole-a.fr", first_name="Inès", acting_user=cast.staff_a
    )
    by_email = Notification.objects.get(kind="cohort_invitation", email="new@ecole-a.fr")
    assert by_email.context == {
        "cohort_name": "Promotion A",
        "school_name": "École A",
        "inviter_name": cast.staff_a.display_name,
    }
    assert by_email.link.startswith("/join/invitation/")

    hugo = UserFactory.create(email="hugo@ecole-a.fr")
    services.cohort_invite(cohort=cast.cohort_a, email="HUGO@ecole-a.fr", acting_user=cast.staff_a)
    assert Notification.objects.get(kind="cohort_invitation", recipient=hugo)

    with pytest.raises(ValidationError, match="déjà inscrit"):
        services.cohort_invite(
            cohort=cast.cohort_a, email=cast.student_a.email, acting_user=cast.staff_a
        )


def test_cohort_invitation_accept_enrols_with_the_group(cast) -> None:
    invitation = services.cohort_invite(
        cohort=cast.cohort_a, email="ines@ecole-a.fr", group="TD2", acting_user=cast.staff_a
    )
    ines = UserFactory.create(email="ines@ecole-a.fr")
    enrolment = services.cohort_invitation_accept(invitation=invitation, acting_user=ines)
    assert (enrolment.cohort, enrolment.group, enrolment.source) == (
        cast.cohort_a,
        "TD2",
        "invitation",
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == ines


@pytest.mark.parametrize("state", ["revoked", "expired", "archived"])
def test_unusable_invitations_enrol_nobody(cast, state: str) -> None:
    invitation = services.cohort_invite(
        cohort=cast.cohort_a, email="ines@ecole-a.fr", acting_user=cast.staff_a
    )
    if state == "revoked":
        services.cohort_invitation_revoke(invitation=invitation, acting_user=cast.staff_a)
    elif state == "expired":
        CohortInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    else:
        services.cohort_archive(cohort=cast.cohort_a, acting_user=cast.staff_a)
    with pytest.raises(ValidationError):
        services.cohort_invitation_accept(invitation=invitation, acting_user=UserFactory.create())
    assert cast.cohort_a.enrolments.count() == 1


def test_invitation_links_name_their_latest_nonce(cast) -> None:
    invitation = services.cohort_invite(
        cohort=cast.cohort_a, email="ines@ecole-a.fr", acting_user=cast.staff_a
    )
    first = invitation_token("cohort", invitation.pk, invitation.nonce)
    assert selectors.cohort_invitation_from_token(token=first) == invitation
    services.cohort_invite(cohort=cast.cohort_a, email="ines@ecole-a.fr", acting_user=cast.staff_a)
    from students.tokens import InvalidToken

    with pytest.raises(InvalidToken):
        selectors.cohort_invitation_from_token(token=first)


# --- CSV import ------------------------------------------------------------------------------


def _rows(count: int, *, start: int = 0) -> list[RosterRow]:
    return [
        RosterRow(line=i + 2, email=f"etudiant{i}@ecole-a.fr", first_name="Léa", last_name=f"N{i}")
        for i in range(start, start + count)
    ]


def test_import_enrols_accounts_invites_the_others_and_skips_the_enrolled(cast) -> None:
    existing = UserFactory.create(email="etudiant0@ecole-a.fr")
    rows = [*_rows(3), RosterRow(line=9, email=cast.student_a.email, first_name="A", last_name="B")]
    staged = services.roster_import_stage(
        cohort=cast.cohort_a, rows=rows, filename="promo.csv", acting_user=cast.staff_a
    )
    plan = services.roster_plan(cohort=cast.cohort_a, rows=services.roster_import_rows(staged))
    assert [p.action for p in plan.rows] == ["enrol", "invite", "invite", "already"]

    result = services.roster_import_confirm(roster_import=staged, acting_user=cast.staff_a)
    assert (result.enrolled, result.invited, result.already) == (1, 2, 1)
    assert cast.cohort_a.enrolments.filter(student=existing, source="import").exists()
    assert StudentProfile.objects.filter(user=existing).exists()
    assert Notification.objects.filter(kind="cohort_invitation").count() == 2
    staged.refresh_from_db()
    assert staged.imported_at and staged.rows == [] and staged.result["invited"] == 2
    with pytest.raises(ValidationError, match="déjà été importé"):
        services.roster_import_confirm(roster_import=staged, acting_user=cast.staff_a)


def test_import_over_capacity_is_refused_whole(cast) -> None:
    cast.cohort_a.max_students = 3
    cast.cohort_a.save()
    staged = services.roster_import_stage(
        cohort=cast.cohort_a, rows=_rows(3), filename="promo.csv", acting_user=cast.staff_a
    )
    with pytest.raises(ValidationError, match="Il reste 2 places"):
        services.roster_import_confirm(roster_import=staged, acting_user=cast.staff_a)
    assert cast.cohort_a.enrolments.count() == 1
    assert not CohortInvitation.objects.exists() and not Notification.objects.exists()


def test_import_is_all_or_nothing_when_something_fails_midway(cast, monkeypatch) -> None:
    staged = services.roster_import_stage(
        cohort=cast.cohort_a, rows=_rows(5), filename="promo.csv", acting_user=cast.staff_a
    )
    calls = []
    real = services._invite_one

    def failing(**kwargs):
        calls.append(kwargs["email"])
        if len(calls) == 4:
            raise RuntimeError("mail server exploded")
        return real(**kwargs)

    monkeypatch.setattr(services, "_invite_one", failing)
    with pytest.raises(RuntimeError):
        services.roster_import_confirm(roster_import=staged, acting_user=cast.staff_a)
    assert not CohortInvitation.objects.exists() and not Notification.objects.exists()
    staged.refresh_from_db()
    assert staged.imported_at is None and len(staged.rows) == 5


def test_stale_previews_expire_and_are_purged(cast) -> None:
    staged = services.roster_import_stage(
        cohort=cast.cohort_a, rows=_rows(1), filename="a.csv", acting_user=cast.staff_a
    )
    RosterImport.objects.filter(pk=staged.pk).update(created_at=timezone.now() - timedelta(hours=3))
    staged.refresh_from_db()
    with pytest.raises(ValidationError, match="aperçu a expiré"):
        services.roster_import_confirm(roster_import=staged, acting_user=cast.staff_a)
    services.roster_import_stage(
        cohort=cast.cohort_a, rows=_rows(1), filename="b.csv", acting_user=cast.staff_a
    )
    assert not RosterImport.objects.filter(pk=staged.pk).exists()


# --- Student profiles ------------------------------------------------------------------------


def _skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


def test_profile_update_replaces_skills_and_records_consent(cast) -> None:
    lea = cast.student_a
    details = ProfileDetails(
        hours_per_week=10,
        city="Lille",
        postcode="59000",
        causes=list(Cause.objects.filter(slug="education")),
        languages=["fr", "en", "fr"],
        visible_to_organisations=True,
    )
    skills = [
        SkillEntry(skill=_skill("django"), level=4),
        SkillEntry(skill=_skill("react"), level=1, wants_to_learn=True),
    ]
    profile = services.student_profile_update(
        user=lea, details=details, skills=skills, acting_user=lea
    )
    rows = {s.skill.slug: (s.level, s.wants_to_learn) for s in profile.skills.all()}
    assert rows == {"django": (4, False), "react": (1, True)}
    assert list(
        StudentSkill.objects.filter(profile=profile).held().values_list("skill__slug", flat=True)
    ) == ["django"]
    assert profile.languages == ["en", "fr"]
    consented = profile.visibility_consented_at
    assert consented is not None

    # Saving again keeps the date of consent; withdrawing clears it. Both changes audited.
    again = services.student_profile_update(
        user=lea, details=details, skills=skills, acting_user=lea
    )
    assert again.visibility_consented_at == consented
    hidden = ProfileDetails(**{**details.__dict__, "visible_to_organisations": False})
    profile = services.student_profile_update(
        user=lea, details=hidden, skills=skills, acting_user=lea
    )
    assert profile.visibility_consented_at is None
    assert list(
        AuditEvent.objects.filter(action="student_profile.visibility")
        .order_by("pk")
        .values_list("to_state", flat=True)
    ) == ["visible", "hidden"]


@pytest.mark.parametrize(
    ("details", "skills", "message"),
    [
        (ProfileDetails(), [SkillEntry(skill=None, level=7)], "va de 1"),  # type: ignore[arg-type]
        (
            ProfileDetails(available_from=TODAY, available_until=TODAY - timedelta(days=1)),
            [],
            "postérieure",
        ),
        (ProfileDetails(postcode="5900"), [], "5 chiffres"),
        (ProfileDetails(github_url="https://gitlab.com/lea"), [], "GitHub"),
        (ProfileDetails(hours_per_week=90), [], "inférieure ou égale à 60"),
    ],
)
def test_profile_bad_input_changes_nothing(cast, details, skills, message) -> None:
    before = StudentSkill.objects.filter(profile=cast.profile_a).count()
    with pytest.raises(ValidationError, match=message):
        services.student_profile_update(
            user=cast.student_a, details=details, skills=skills, acting_user=cast.student_a
        )
    cast.profile_a.refresh_from_db()
    assert cast.profile_a.city == "Lille"
    assert StudentSkill.objects.filter(profile=cast.profile_a).count() == before


def test_only_the_student_edits_their_profile(cast) -> None:
    with pytest.raises(ValidationError):
        services.student_profile_update(
            user=cast.student_a, details=ProfileDetails(), skills=[], acting_user=cast.staff_a
        )


# --- Visibility ------------------------------------------------------------------------------


def test_profile_visibility_rules(cast) -> None:
    def visible(user, roles=None) -> set[int]:
        return set(
            StudentProfile.objects.visible_to(user, roles=roles).values_list("pk", flat=True)
        )

    a, b = cast.profile_a.pk, cast.profile_b.pk
    assert visible(cast.student_a) == {a}
    assert visible(cast.staff_a) == {a}
    assert visible(cast.staff_b) == {b}
    member = Roles(is_authenticated=True, organisation_ids=(1,))
    assert visible(cast.owner_a, member) == set()
    StudentProfile.objects.filter(pk=a).update(
        visible_to_organisations=True, visibility_consented_at=timezone.now()
    )
    assert visible(cast.owner_a, member) == {a}
    assert visible(cast.owner_a, Roles(is_authenticated=True)) == set()
    # An archived cohort still shows its students to their school.
    Cohort.objects.filter(pk=cast.cohort_b.pk).update(archived_at=timezone.now())
    assert visible(cast.staff_b) == {b}


def test_roles_cost_one_query_each(cast, django_assert_num_queries) -> None:
    from humanitech.roles import _is_student, _school_ids

    with django_assert_num_queries(1):
        assert _school_ids(cast.staff_a) == (cast.school_a.pk,)
    with django_assert_num_queries(1):
        assert _is_student(cast.student_a)
    with django_assert_num_queries(1):
        assert not _is_student(cast.staff_a)


def test_home_page_counts_enrolled_students(cast) -> None:
    from humanitech.stats import platform_counts

    assert platform_counts().students == 2
    Enrolment.objects.create(cohort=cast.cohort_b, student=cast.student_a, source="code")
    StudentProfile.objects.create(
        user=UserFactory.create()
    )  # a profile without a cohort: not counted
    assert platform_counts().students == 2
