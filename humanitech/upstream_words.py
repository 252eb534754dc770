"""Django's own strings that we word differently, listed so ``makemessages`` keeps them in
the project catalogue (``LOCALE_PATHS`` wins over Django's catalogues).

The site says "e-mail" throughout, as allauth does on every account page; Django's French
says "courriel" in the email validator's message, shown under our signup and import fields.
"""

from django.utils.translation import gettext_noop

UPSTREAM_WORDS = (gettext_noop("Enter a valid email address."),)
