"""Pure rules about places, addresses and links (no database): tested without Django's ORM."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

POSTCODE_RE = re.compile(r"^\d{5}$")
# A DNS name with at least one dot: "isen.fr", "etu.univ-lille.fr".
DOMAIN_RE = re.compile(r"^(?=.{4,120}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
GITHUB_HOSTS = {"github.com", "www.github.com"}


def validate_postcode(value: str) -> None:
    if value and not POSTCODE_RE.match(value):
        raise ValidationError(_("Enter a French postcode of 5 digits, such as 59000."))


def departement_of(postcode: str) -> str:
    """The département code of a French postcode, as the matching engine compares them.

    Mainland: the first two digits ("59000" → "59"). Corsica: "2A" (200xx–201xx) or "2B"
    (202xx–206xx). Overseas (97x, 98x): the first three digits ("97400" → "974").
    """
    if not POSTCODE_RE.match(postcode or ""):
        return ""
    if postcode.startswith("20"):
        return "2A" if int(postcode[:3]) < 202 else "2B"
    if postcode[:2] in {"97", "98"}:
        return postcode[:3]
    return postcode[:2]


def normalise_email_domain(value: str) -> str:
    """``@ISEN.fr `` → ``isen.fr``; raises a French error for anything that is not a domain."""
    domain = value.strip().lower().lstrip("@")
    if domain and not DOMAIN_RE.match(domain):
        raise ValidationError(_("Enter a domain name such as isen.fr (without the @)."))
    return domain


def email_in_domain(email: str, domain: str) -> bool:
    """True if ``email`` belongs to ``domain`` or one of its subdomains (etu.isen.fr)."""
    if not domain:
        return True
    host = email.rsplit("@", 1)[-1].lower()
    return host == domain or host.endswith("." + domain)


def validate_web_url(value: str) -> None:
    """Only http(s) links are shown on a profile (no javascript:, data:, ftp:…)."""
    if value and urlsplit(value).scheme not in {"http", "https"}:
        raise ValidationError(_("Enter a web address starting with https://."))


def validate_github_url(value: str) -> None:
    validate_web_url(value)
    parts = urlsplit(value)
    if value and (parts.hostname or "").lower() not in GITHUB_HOSTS:
        raise ValidationError(
            _("Enter the address of your GitHub profile, such as https://github.com/your-name.")
        )
