"""Demo accounts. Every one has the password ``humanitech-demo`` and a verified email."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from humanitech.demo import DemoContext
from humanitech.roles import MODERATOR_GROUP

from .models import User

DEMO_PASSWORD = "humanitech-demo"  # noqa: S105 - documented demo credential, DEBUG only

DEMO_ACCOUNTS = [
    # email, first name, last name, intent
    ("admin@demo.humanitech.fr", "Camille", "Admin", ""),
    ("moderateur@demo.humanitech.fr", "Nadia", "Benali", ""),
    ("association@demo.humanitech.fr", "Sophie", "Martin", User.Intent.ORGANISATION),
    ("association2@demo.humanitech.fr", "Karim", "Haddad", User.Intent.ORGANISATION),
    ("ecole@demo.humanitech.fr", "Thomas", "Cassar", User.Intent.SCHOOL_STAFF),
    ("ecole2@demo.humanitech.fr", "Isabelle", "Morel", User.Intent.SCHOOL_STAFF),
    ("etudiant@demo.humanitech.fr", "Léa", "Dubois", User.Intent.STUDENT),
    ("etudiant2@demo.humanitech.fr", "Yanis", "Lefebvre", User.Intent.STUDENT),
]


def create_verified_user(
    email: str, *, first_name: str = "", last_name: str = "", intent: str = "", **extra: object
) -> User:
    user = User.objects.create_user(
        email,
        DEMO_PASSWORD,
        first_name=first_name,
        last_name=last_name,
        intent=intent,
        **extra,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def seed(ctx: DemoContext) -> None:
    users = ctx.users
    for email, first_name, last_name, intent in DEMO_ACCOUNTS:
        extra: dict[str, object] = {}
        if email.startswith("admin@"):
            extra = {"is_staff": True, "is_superuser": True}
        elif email.startswith("moderateur@"):
            extra = {"is_staff": True}
        users[email.split("@")[0]] = create_verified_user(
            email, first_name=first_name, last_name=last_name, intent=intent, **extra
        )
    users["moderateur"].groups.add(Group.objects.get(name=MODERATOR_GROUP))
    ctx.log(f"{len(users)} demo accounts (password: {DEMO_PASSWORD})")
