"""factory_boy factories shared by the whole suite. French fake data (Faker fr_FR)."""

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from factory.django import DjangoModelFactory

from accounts.models import User

factory.Faker._DEFAULT_LOCALE = "fr_FR"

TEST_PASSWORD = "correct-horse-battery-staple"
# The authenticator-app secret of test users who have one (base32); totp_code() gives the
# code an app would show now.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        # Users can sign in only with a verified email (mandatory verification).
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def second_factor(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        # Staff need one for the admin (STAFF_MFA_REQUIRED), as in production; pass
        # second_factor=False for staff who have not set it up yet, True for anybody else.
        if create and (extracted or (obj.is_staff and extracted is None)):
            TOTP.activate(obj, TEST_TOTP_SECRET)
