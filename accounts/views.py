from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from .forms import AccountSettingsForm


def account_settings(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Your settings have been saved."))
        response = redirect("accounts:settings")
        response.set_cookie(
            "django_language", user.language, samesite="Lax", secure=request.is_secure()
        )
        return response
    return render(request, "accounts/settings.html", {"form": form})
