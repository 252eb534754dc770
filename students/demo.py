"""Demo schools, cohorts and students (``seed_demo``).

Two schools (ISEN Lille, an engineering school; Simplon Roubaix, a bootcamp), three cohorts
and 60 students with varied skill profiles at scale 1; ``--scale N`` multiplies the students
(and adds cohorts so that none holds more than about 60), inserted in bulk.

``ecole@demo.humanitech.fr`` administers ISEN Lille, ``ecole2@demo.humanitech.fr`` Simplon
Roubaix. ``etudiant@demo.humanitech.fr`` is in ISEN's first cohort with a complete profile
visible to organisations (Django, PostgreSQL…); ``etudiant2@demo.humanitech.fr`` is at
Simplon. Later seeders find ``school_a``, ``school_b``, ``cohorts`` and ``students`` (users)
in ``ctx.objects``.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from humanitech.demo import DemoContext
from matching.models import Cause, Skill

from .models import (
    ApplicationPolicy,
    Cohort,
    Enrolment,
    RemotePreference,
    School,
    SchoolStaff,
    StudentProfile,
    StudentSkill,
)
from .tokens import generate_join_code

STUDENTS_PER_SCALE = 60
BATCH = 2000

FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Inès",
    "Lucas",
    "Chloé",
    "Nathan",
    "Yasmine",
    "Mohamed",
    "Camille",
    "Théo",
    "Manon",
    "Adam",
    "Sarah",
    "Louis",
    "Aïcha",
    "Enzo",
    "Jade",
    "Rayan",
    "Zoé",
    "Mathis",
    "Fatou",
    "Kevin",
    "Clara",
    "Amine",
    "Lina",
    "Thanh",
    "Emma",
    "Samuel",
    "Nour",
    "Maxime",
    "Anaïs",
    "Bilal",
    "Julie",
    "Quentin",
    "Salomé",
    "Yanis",
    "Mélissa",
    "Antoine",
    "Kenza",
    "Baptiste",
    "Océane",
    "Ibrahim",
    "Margaux",
    "Dylan",
    "Sofia",
    "Romain",
    "Élise",
    "Malik",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Lefebvre",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Benali",
    "Nguyen",
    "Diallo",
    "Haddad",
    "Traoré",
    "Mercier",
    "Boyer",
    "Blanc",
    "Garnier",
    "Chevalier",
    "Da Silva",
    "Kaya",
    "Ben Saïd",
    "Lemaire",
    "Duhamel",
    "Vandenberghe",
    "Dewaele",
    "Delattre",
    "Caron",
    "Carpentier",
]
CITIES = [
    ("Lille", "59000"),
    ("Roubaix", "59100"),
    ("Tourcoing", "59200"),
    ("Villeneuve-d'Ascq", "59650"),
    ("Lens", "62300"),
    ("Arras", "62000"),
    ("Valenciennes", "59300"),
    ("Douai", "59500"),
    ("Amiens", "80000"),
    ("Paris", "75011"),
]

# Track → (skill slug, typical level) pairs; each student takes a random subset.
TRACKS: dict[str, list[tuple[str, int]]] = {
    "web": [
        ("html", 3),
        ("css", 3),
        ("javascript", 3),
        ("react", 2),
        ("django", 2),
        ("python", 3),
        ("postgresql", 2),
        ("git", 3),
        ("web-accessibility", 1),
        ("php", 2),
        ("symfony", 2),
        ("wordpress", 2),
        ("rest-api", 2),
        ("responsive-design", 3),
        ("typescript", 2),
    ],
    "data": [
        ("python", 3),
        ("pandas", 3),
        ("sql", 3),
        ("data-analysis", 3),
        ("dashboards", 2),
        ("power-bi", 2),
        ("metabase", 2),
        ("statistics", 3),
        ("machine-learning", 2),
        ("data-visualisation", 2),
        ("spreadsheets", 3),
        ("postgresql", 2),
        ("data-cleaning", 3),
        ("survey-analysis", 2),
        ("impact-measurement", 1),
    ],
    "mobile": [
        ("mobile-development", 3),
        ("flutter", 3),
        ("react-native", 2),
        ("kotlin", 2),
        ("swift", 2),
        ("firebase", 2),
        ("javascript", 2),
        ("git", 3),
        ("pwa", 2),
        ("app-store-publishing", 1),
        ("ui-design", 1),
    ],
    "design": [
        ("ux-design", 3),
        ("ui-design", 3),
        ("figma", 3),
        ("user-research", 2),
        ("wireframing", 3),
        ("prototyping", 3),
        ("web-accessibility", 2),
        ("graphic-design", 2),
        ("canva", 3),
        ("html", 2),
        ("css", 2),
        ("usability-testing", 2),
        ("easy-read", 1),
    ],
    "nocode": [
        ("nocode", 3),
        ("airtable", 3),
        ("zapier", 2),
        ("make", 2),
        ("notion", 3),
        ("online-forms", 3),
        ("workflow-automation", 2),
        ("google-apps-script", 2),
        ("spreadsheets", 3),
        ("crm", 2),
        ("helloasso", 2),
        ("webflow", 2),
        ("grist", 1),
    ],
    "infra": [
        ("linux", 3),
        ("docker", 2),
        ("sysadmin", 2),
        ("cybersecurity", 2),
        ("gdpr", 2),
        ("backups", 3),
        ("networks", 2),
        ("ci-cd", 2),
        ("security-audit", 1),
        ("python", 2),
        ("nextcloud", 2),
        ("web-hosting", 2),
        ("security-awareness", 3),
        ("green-it", 1),
    ],
}
WISHES = ["react", "docker", "figma", "django", "flutter", "power-bi", "cybersecurity", "seo"]
BIOS = [
    "J'aime construire des outils simples qui rendent service. Envie d'un projet utile pour une "
    "association du territoire.",
    "Passionnée par les données et leur mise en récit : je veux aider une structure à mesurer "
    "son impact.",
    "Bénévole dans une épicerie solidaire, je veux mettre mes compétences au service de l'ESS.",
    "Curieux, rigoureux, j'apprends vite. Je cherche un projet concret avec de vrais utilisateurs.",
    "Ancienne animatrice en centre social, en reconversion dans le numérique.",
    "",
]


@dataclass(frozen=True)
class CohortPlan:
    school: str  # "a" or "b"
    name: str
    programme: str
    starts_in_days: int
    weeks: int
    hours: int
    ects: int | None
    policy: str
    tracks: tuple[str, ...]


COHORTS = [
    CohortPlan(
        "a",
        "Ingénieurs 4e année — Projets solidaires 2026",
        "Cycle ingénieur, 4e année",
        -14,
        16,
        80,
        5,
        ApplicationPolicy.APPROVAL,
        ("web", "data", "infra", "mobile"),
    ),
    CohortPlan(
        "a",
        "Master Data & IA — 2026",
        "Master 2 Data Science",
        30,
        12,
        60,
        6,
        ApplicationPolicy.ALLOCATION,
        ("data", "web"),
    ),
    CohortPlan(
        "b",
        "Développeur web et web mobile — Promo 2026",
        "Titre professionnel DWWM (niveau 5)",
        -7,
        10,
        70,
        None,
        ApplicationPolicy.FREE,
        ("web", "design", "nocode", "mobile"),
    ),
]


def seed(ctx: DemoContext) -> None:
    rng = random.Random(2026)
    today = timezone.localdate()
    school_a, school_b = _schools(ctx)
    cohorts = _cohorts(ctx, school_a, school_b, today)
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    causes = list(Cause.objects.all())
    students = _generated_students(ctx, rng, cohorts, skills, causes)
    featured = _featured_students(ctx, cohorts, skills, causes)
    ctx.objects.update(
        school_a=school_a, school_b=school_b, cohorts=cohorts, students=featured + students
    )
    ctx.log(
        f"2 schools, {len(cohorts)} cohorts, {len(students) + len(featured)} students "
        f"(join code of the first cohort: {cohorts[0].join_code_display})"
    )


def _schools(ctx: DemoContext) -> tuple[School, School]:
    school_a = School.objects.create(
        name="ISEN Lille", kind=School.Kind.ENGINEERING, city="Lille", created_by=ctx.users["ecole"]
    )
    school_b = School.objects.create(
        name="Simplon Roubaix",
        kind=School.Kind.BOOTCAMP,
        city="Roubaix",
        created_by=ctx.users["ecole2"],
    )
    SchoolStaff.objects.bulk_create(
        [
            SchoolStaff(school=school_a, user=ctx.users["ecole"], role=SchoolStaff.Role.ADMIN),
            SchoolStaff(school=school_b, user=ctx.users["ecole2"], role=SchoolStaff.Role.ADMIN),
        ]
    )
    return school_a, school_b


def _cohorts(
    ctx: DemoContext, school_a: School, school_b: School, today: datetime.date
) -> list[Cohort]:
    codes: set[str] = set()
    cohorts = []
    for copy in range(ctx.scale):
        for plan in COHORTS:
            code = generate_join_code()
            while code in codes:
                code = generate_join_code()
            codes.add(code)
            starts_on = today + datetime.timedelta(days=plan.starts_in_days)
            cohorts.append(
                Cohort(
                    school=school_a if plan.school == "a" else school_b,
                    name=plan.name if copy == 0 else f"{plan.name} — groupe {copy + 1}",
                    programme=plan.programme,
                    starts_on=starts_on,
                    ends_on=starts_on + datetime.timedelta(weeks=plan.weeks),
                    expected_hours=plan.hours,
                    ects_credits=plan.ects,
                    application_policy=plan.policy,
                    join_code=code,
                    created_by=ctx.users["ecole" if plan.school == "a" else "ecole2"],
                )
            )
    cohorts = Cohort.objects.bulk_create(cohorts, batch_size=BATCH)
    through = Cohort.supervisors.through
    through.objects.bulk_create(
        [
            through(
                cohort_id=c.pk,
                user_id=ctx.users["ecole" if c.school_id == school_a.pk else "ecole2"].pk,
            )
            for c in cohorts
        ],
        batch_size=BATCH,
    )
    return cohorts


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _batches(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _generated_students(
    ctx: DemoContext,
    rng: random.Random,
    cohorts: list[Cohort],
    skills: dict[str, Skill],
    causes: list[Cause],
) -> list[User]:
    count = STUDENTS_PER_SCALE * ctx.scale - 2  # the two featured accounts complete the set
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing 50,000 times takes hours
    users = []
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        users.append(
            User(
                email=f"{_ascii(first)}.{_ascii(last)}.{i}@etu.demo.humanitech.fr",
                first_name=first,
                last_name=last,
                intent=User.Intent.STUDENT,
                password=password,
            )
        )
    users = User.objects.bulk_create(users, batch_size=BATCH)
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
        batch_size=BATCH,
    )
    # Each block of 60 students fills one copy of the three cohorts (20 each).
    enrolments = []
    profiles = []
    cohort_of: dict[int, Cohort] = {}
    now = timezone.now()
    for i, user in enumerate(users):
        cohort = cohorts[min((i + 2) // 20, len(cohorts) - 1)]
        cohort_of[user.pk] = cohort
        enrolments.append(
            Enrolment(
                cohort=cohort,
                student=user,
                source=rng.choice(["code", "import", "invitation"]),
                group=rng.choice(["", "TD1", "TD2"]),
            )
        )
        profiles.append(_random_profile(rng, user, cohort, now))
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    profiles = StudentProfile.objects.bulk_create(profiles, batch_size=BATCH)

    tracks_of = {c.pk: COHORTS[index % 3].tracks for index, c in enumerate(cohorts)}
    skill_rows: list[StudentSkill] = []
    cause_rows = []
    through = StudentProfile.causes.through
    for profile in profiles:
        cohort = cohort_of[profile.user_id]
        if profile.hours_per_week is None:
            continue  # an untouched profile: the student has not filled it in yet
        track = rng.choice(tracks_of[cohort.pk])
        picked = rng.sample(TRACKS[track], k=min(len(TRACKS[track]), rng.randint(2, 7)))
        for slug, level in picked:
            if slug in skills:
                skill_rows.append(
                    StudentSkill(
                        profile=profile,
                        skill=skills[slug],
                        level=max(1, min(4, level + rng.choice([-1, 0, 0, 1]))),
                    )
                )
        wish = rng.choice(WISHES)
        if wish in skills and all(slug != wish for slug, _level in picked) and rng.random() < 0.5:
            skill_rows.append(
                StudentSkill(profile=profile, skill=skills[wish], level=1, wants_to_learn=True)
            )
        for cause in rng.sample(causes, k=rng.randint(0, 3)):
            cause_rows.append(through(studentprofile_id=profile.pk, cause_id=cause.pk))
    StudentSkill.objects.bulk_create(skill_rows, batch_size=BATCH)
    through.objects.bulk_create(cause_rows, batch_size=BATCH)
    return users


def _random_profile(
    rng: random.Random, user: User, cohort: Cohort, now: datetime.datetime
) -> StudentProfile:
    if rng.random() < 0.15:
        return StudentProfile(user=user)  # joined, profile not filled yet
    city, postcode = rng.choice(CITIES)
    visible = rng.random() < 0.6
    return StudentProfile(
        user=user,
        hours_per_week=rng.choice([4, 6, 8, 8, 10, 12, 15]),
        available_from=cohort.starts_on if rng.random() < 0.8 else None,
        available_until=cohort.ends_on if rng.random() < 0.8 else None,
        city=city,
        postcode=postcode,
        remote_preference=rng.choice(list(RemotePreference.values)),
        languages=rng.choice(
            [["fr"], ["fr", "en"], ["fr", "en"], ["fr", "ar", "en"], ["fr", "es"]]
        ),
        github_url=f"https://github.com/{_ascii(user.first_name)}{_ascii(user.last_name)}"
        if rng.random() < 0.5
        else "",
        bio=rng.choice(BIOS),
        visible_to_organisations=visible,
        visibility_consented_at=now if visible else None,
    )


def _featured_students(
    ctx: DemoContext, cohorts: list[Cohort], skills: dict[str, Skill], causes: list[Cause]
) -> list[User]:
    lea, yanis = ctx.users["etudiant"], ctx.users["etudiant2"]
    first, bootcamp = cohorts[0], cohorts[2]
    Enrolment.objects.bulk_create(
        [
            Enrolment(cohort=first, student=lea, source=Enrolment.Source.CODE, group="TD1"),
            Enrolment(cohort=bootcamp, student=yanis, source=Enrolment.Source.CODE),
        ]
    )
    profile = StudentProfile.objects.create(
        user=lea,
        hours_per_week=8,
        available_from=first.starts_on,
        available_until=first.ends_on,
        city="Lille",
        postcode="59000",
        remote_preference=RemotePreference.EITHER,
        languages=["en", "fr"],
        github_url="https://github.com/lea-dubois",
        portfolio_url="https://lea-dubois.fr",
        bio="Étudiante ingénieure à l'ISEN, bénévole dans une association d'aide aux devoirs. "
        "J'aime les projets web utiles et bien faits : Django, PostgreSQL, accessibilité.",
        visible_to_organisations=True,
        visibility_consented_at=timezone.now(),
    )
    StudentSkill.objects.bulk_create(
        StudentSkill(profile=profile, skill=skills[slug], level=level, wants_to_learn=wish)
        for slug, level, wish in [
            ("django", 3, False),
            ("postgresql", 3, False),
            ("python", 3, False),
            ("html", 3, False),
            ("css", 2, False),
            ("javascript", 2, False),
            ("web-accessibility", 2, False),
            ("git", 3, False),
            ("react", 1, True),
        ]
        if slug in skills
    )
    profile.causes.set([c for c in causes if c.slug in {"education", "digital-inclusion"}])
    # Yanis has started his profile: a few skills, no dates or causes yet.
    started = StudentProfile.objects.create(
        user=yanis, hours_per_week=10, city="Roubaix", postcode="59100", languages=["fr"]
    )
    StudentSkill.objects.bulk_create(
        StudentSkill(profile=started, skill=skills[slug], level=level)
        for slug, level in [("php", 2), ("wordpress", 3), ("html", 3), ("css", 3)]
        if slug in skills
    )
    return [lea, yanis]
