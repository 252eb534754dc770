from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """Type of ``request`` in views behind the login (the default): ``user`` is a User."""

    user: User
