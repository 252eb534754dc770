from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Account emails go out in the recipient's language, not the sender's request's.
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language() or "fr"
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True
