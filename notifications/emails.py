"""Rendering a notification as an email: subject + text + HTML, in the row's language."""

import hashlib
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
from .models import Notification, message_id_domain
from .tokens import DIGEST, make_unsubscribe_token


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


def template_context(row: Notification, *, for_email: bool = True) -> dict[str, Any]:
    spec = kind_for(row.kind)
    context = spec.template_context(row.context)
    context.update(
        {"kind": spec, "link_url": absolute_url(row.link), "site_url": settings.SITE_URL}
    )
    if for_email:
        # Each is a query: the in-app centre renders subjects only, from the context alone.
        context["recipient"] = row.recipient
        context["about"] = row.about
    return context


def render_subject(row: Notification) -> str:
    """The one-line title: the email subject, the in-app entry, a digest line.

    Reads nothing but the row's own fields, so a list of titles costs no query.
    """
    spec = kind_for(row.kind)
    context = template_context(row, for_email=False)
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
            text=_tidy_text(render_to_string(f"{base}/body.txt", context)),
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


def _tidy_text(text: str) -> str:
    # Template tags leave blank lines behind: at most one blank line between paragraphs.
    lines = [line.rstrip() if line != "-- " else line for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def digest_message_id(rows: list[Notification]) -> str:
    # The same set of rows gives the same Message-ID, so a retried digest can be deduped.
    digest = hashlib.sha256("\x1f".join(sorted(r.idempotency_key for r in rows)).encode())
    return f"<digest.{digest.hexdigest()}@{message_id_domain()}>"


def build_digest_message(
    rows: list[Notification], *, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    recipient = rows[0].recipient
    assert recipient is not None
    unsubscribe_url = absolute_url(
        reverse(
            "notifications:unsubscribe",
            kwargs={"token": make_unsubscribe_token(kind=DIGEST, user_id=recipient.pk)},
        )
    )
    with translation.override(recipient.language):
        items = [
            {"title": render_subject(row), "link_url": absolute_url(row.link) if row.link else ""}
            for row in rows
        ]
        context = {
            "recipient": recipient,
            "items": items,
            "count": len(items),
            "kind": None,
            "link_url": absolute_url(reverse("notifications:list")),
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": absolute_url(reverse("notifications:preferences")),
        }
        subject = _one_line(render_to_string("notifications/email/digest/subject.txt", context))
        context["subject"] = subject
        text = _tidy_text(render_to_string("notifications/email/digest/body.txt", context))
        html = render_to_string("notifications/email/digest/body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "Message-ID": digest_message_id(rows),
            "X-HumanITech-Kind": DIGEST,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
