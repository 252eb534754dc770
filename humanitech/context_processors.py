from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "roles": getattr(request, "roles", None),
        "SITE_NAME": "HumanITech",
        "ADMIN_URL": "/" + settings.ADMIN_URL,
    }
