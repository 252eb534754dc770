"""A student's saved briefs and ranked favourites ("Mes missions enregistrées").

Every action is a plain POST form that redirects back (to ``next`` when it is a local
address, so the cohort's choices page reuses them). With htmx, the page swaps only its lists
and its status line reads the message out; keyboard focus stays on the button that was used
(``static/js/site.js``, ``data-keep-focus``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from organisations.models import Brief

from ..models.applications import MAX_FAVOURITES
from ..selectors.favourites import saved_briefs_of, saved_state_of
from ..services import favourites as services
from ..services.favourites import Direction


def favourites(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The student's saved briefs. Someone who is not a student yet (no profile, no cohort:
    a new account) is reached here from "Missions pour vous" or a shared link: the page says
    how to become one instead of refusing them."""
    if not request.roles.is_student:  # type: ignore[attr-defined]
        return render(request, "matching/favourites/list.html", {"not_student": True})
    return render(
        request,
        "matching/favourites/list.html",
        {
            "not_student": False,
            "saved": saved_briefs_of(student=request.user),
            "max_favourites": MAX_FAVOURITES,
        },
    )


@require_POST
def favourite_toggle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save the brief, or forget it if it is saved (``save=1`` / ``save=0`` force either)."""
    brief = _brief(request, pk)
    wanted = request.POST.get("save")
    if wanted not in ("0", "1"):
        wanted = "0" if saved_state_of(student=request.user, brief=brief) else "1"
    try:
        if wanted == "1":
            services.saved_brief_save(brief=brief, acting_user=request.user)
            text = _("“%(title)s” is saved in your projects.")
        else:
            services.saved_brief_remove(brief=brief, acting_user=request.user)
            text = _("“%(title)s” is no longer in your saved projects.")
    except ValidationError as error:
        return _done(request, error.messages[0], ok=False)
    return _done(request, text % {"title": brief.title})


@require_POST
def favourite_rank(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put the brief among the ranked favourites (``rank=1``) or take it out (``rank=0``)."""
    brief = _brief(request, pk)
    try:
        if request.POST.get("rank") == "0":
            services.favourite_remove(brief=brief, acting_user=request.user)
            return _done(
                request, _("“%(title)s” is out of your favourites.") % {"title": brief.title}
            )
        saved = services.favourite_add(brief=brief, acting_user=request.user)
    except ValidationError as error:
        return _done(request, error.messages[0], ok=False)
    return _done(request, _rank_text(brief, saved.rank))


@require_POST
def favourite_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Swap a favourite with its neighbour (``direction=up`` or ``down``)."""
    brief = _brief(request, pk)
    direction: Direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.favourite_move(
            brief=brief, direction=direction, acting_user=request.user, among=_among(request)
        )
    except ValidationError as error:
        return _done(request, error.messages[0], ok=False)
    saved = saved_state_of(student=request.user, brief=brief)
    return _done(request, _rank_text(brief, saved.rank if saved else None))


# --- Helpers ----------------------------------------------------------------------------


def _require_student(request: AuthenticatedHttpRequest) -> None:
    if not request.roles.is_student:  # type: ignore[attr-defined]
        raise PermissionDenied(_("Only students save and rank projects."))


def _brief(request: AuthenticatedHttpRequest, pk: int) -> Brief:
    _require_student(request)
    return get_object_or_404(Brief.objects.visible_to(request.user), pk=pk)


def _among(request: AuthenticatedHttpRequest) -> set[int] | None:
    """With ``cohort`` (the student's choices page of an allocated cohort), moves skip the
    favourites not opened to that cohort."""
    from ..selectors.allocations import allocation_cohorts_of_student

    pk = request.POST.get("cohort", "")
    cohort = allocation_cohorts_of_student(user=request.user).filter(
        pk=int(pk) if pk.isdigit() else 0
    )
    if not pk.isdigit() or not cohort.exists():
        return None
    return set(
        Brief.objects.published()
        .filter(cohort_openings__cohort__in=cohort)
        .values_list("pk", flat=True)
    )


def _rank_text(brief: Brief, rank: int | None) -> str:
    return _("“%(title)s” is your favourite number %(rank)d.") % {
        "title": brief.title,
        "rank": rank or 0,
    }


def _next(request: AuthenticatedHttpRequest) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _done(request: AuthenticatedHttpRequest, text: str, *, ok: bool = True) -> HttpResponse:
    """Post/redirect/get, also with htmx: it follows the redirect, swaps the lists, and the
    page's status line reads the message out."""
    (messages.success if ok else messages.error)(request, text)
    return redirect(_next(request) or "matching:favourites")
