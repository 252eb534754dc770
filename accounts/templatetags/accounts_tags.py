"""Template helpers for the account pages (allauth's templates, overridden in templates/)."""

from allauth.account import app_settings
from allauth.account.models import EmailAddress
from django import template
from django.core import signing

register = template.Library()


@register.simple_tag
def email_confirmation_link_used(key: str) -> bool:
    """Whether a confirmation link that no longer works names an address already verified.

    allauth's keys are the address's id, signed (``ACCOUNT_EMAIL_CONFIRMATION_HMAC``, on by
    default); once the address is verified allauth treats the key as invalid, so a second
    click used to read "expired or not valid". Only the holder of a genuine signed link
    learns this about their own address: no enumeration. Read without ``max_age``: an old
    link that was used still names its address.
    """
    try:
        pk = signing.loads(key, salt=app_settings.SALT)
    except signing.BadSignature:
        return False
    return EmailAddress.objects.filter(pk=pk, verified=True).exists()
