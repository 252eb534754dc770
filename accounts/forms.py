from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's signup form: who the person is and why they came."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    intent = forms.ChoiceField(
        label=_("You are here because"),
        choices=User.Intent.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "This only helps us suggest your first step; you can take on other roles later."
        ),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.intent = self.cleaned_data["intent"]
        user.language = (get_language() or "fr")[:2]
        user.save(update_fields=["first_name", "last_name", "intent", "language"])


class AccountSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language"]
        help_texts = {
            "language": _("Emails and notifications are sent to you in this language."),
        }
