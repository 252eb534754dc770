"""Rendering a notification as an email: subject + text + HTML, in the row's language."""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .kinds import kind_for
from .models import Notification
from .tokens import make_unsubscribe_token


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path else settings.SITE_URL


def unsubscribe_path(row: Notification) -> str:
    token = make_unsubscribe_token(
        kind=row.kind, user_id=row.recipient_id, email="" if row.recipient_id else row.email
    )
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def template_context(row: Notification, *, with_about: bool = True) -> dict[str, Any]:
    spec = kind_for(row.kind)
    context = spec.template_context(row.context)
    context.update(
        {
            "kind": spec,
            "recipient": row.recipient,
            "link_url": absolute_url(row.link),
            "site_url": settings.SITE_URL,
        }
    )
    if with_about:
        context["about"] = row.about
    return context


def render_subject(row: Notification) -> str:
    """The one-line title: the email subject, the in-app entry, a digest line."""
    spec = kind_for(row.kind)
    context = template_context(row, with_about=False)
    return _one_line(render_to_string(f"notifications/email/{spec.name}/subject.txt", context))


def render_email(row: Notification) -> RenderedEmail:
    with translation.override(row.language):
        context = template_context(row)
        spec = context["kind"]
        context["unsubscribe_url"] = (
            absolute_url(unsubscribe_path(row)) if spec.can_turn_off else ""
        )
        context["preferences_url"] = absolute_url(reverse("notifications:preferences"))
        base = f"notifications/email/{spec.name}"
        subject = _one_line(render_to_string(f"{base}/subject.txt", context))
        context["subject"] = subject
        return RenderedEmail(
            subject=subject,
            text=render_to_string(f"{base}/body.txt", context).strip() + "\n",
            html=render_to_string(f"{base}/body.html", context),
        )


def build_message(
    row: Notification, *, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    rendered = render_email(row)
    headers = {"Message-ID": row.message_id, "X-HumanITech-Kind": row.kind}
    if kind_for(row.kind).can_turn_off:
        # RFC 2369 + RFC 8058: mail clients offer a one-click "unsubscribe" that POSTs here.
        headers["List-Unsubscribe"] = f"<{absolute_url(unsubscribe_path(row))}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.address],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
