"""Pages of the cohort allocation.

- Staff of the cohort's school (``allocation_cohorts_for_staff``): open briefs, run the
  engine, review the proposal, move students, publish. Anyone else gets a 404.
- Students of the cohort: their choices among the opened briefs; after publication, their
  placement. Never a proposal.
- Members of an organisation whose brief is opened to the cohort: the order of their
  candidates; after publication, their teams. Never a proposal.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from organisations.models import Brief, Organisation
from students.models import Cohort

from ..allocation import InstanceError
from ..forms.allocations import MoveForm, OpenBriefForm, OrganisationCapacityForm, RunForm
from ..models import AllocationRun, CohortBrief
from ..selectors import allocations as selectors
from ..services import allocations as services

# The progress fragment asks again this often while a run is queued or running.
POLL_SECONDS = 1


# --- Staff: the cohort's allocation -----------------------------------------------------


def cohort_allocation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    choices = selectors.choices_by_student(
        cohort=cohort, brief_ids=cohort.opened_briefs.values_list("brief_id", flat=True)
    )
    openings = selectors.cohort_openings(cohort=cohort, choices=choices)
    query = request.GET.get("q", "").strip()[:100]
    latest = selectors.latest_run(cohort=cohort)
    published = latest if latest and latest.state == AllocationRun.State.PUBLISHED else None
    return render(
        request,
        "matching/allocations/cohort.html",
        {
            "cohort": cohort,
            "openings": openings,
            "seats": sum(o.capacity for o in openings),
            "overview": selectors.choices_overview(cohort=cohort, choices=choices),
            "query": query,
            "candidates": selectors.briefs_to_open(cohort=cohort, query=query)
            if "q" in request.GET
            else None,
            "published": published,
            "latest": latest,
            "step": 4 if published else 3 if latest else 2 if openings else 1,
            "max_choices": selectors.MAX_CHOICES,
            "run_form": RunForm(),
            "open_form": OpenBriefForm(),
        },
    )


@require_POST
def cohort_brief_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    form = OpenBriefForm(request.POST)
    if form.is_valid():
        brief = get_object_or_404(Brief.objects.published(), pk=form.cleaned_data["brief"])
        try:
            services.cohort_brief_open(
                cohort=cohort,
                brief=brief,
                capacity=form.cleaned_data["capacity"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, _("“%(title)s” is open to the cohort.") % {"title": brief.title}
            )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_cohort_url(cohort, request.POST.get("q")))


@require_POST
def cohort_brief_close(request: AuthenticatedHttpRequest, pk: int, opening_pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    opening = get_object_or_404(
        CohortBrief.objects.select_related("brief"), pk=opening_pk, cohort=cohort
    )
    try:
        services.cohort_brief_close(opening=opening, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("“%(title)s” is no longer open to the cohort.") % {"title": opening.brief.title},
        )
    return redirect("matching:cohort_allocation", pk=cohort.pk)


@require_POST
def allocation_run_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to allocate the students."))
        return redirect("matching:cohort_allocation", pk=cohort.pk)
    try:
        run = services.allocation_run_start(
            cohort=cohort,
            mode=form.cleaned_data["mode"],
            min_teams=form.cleaned_data["min_teams"],
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("matching:cohort_allocation", pk=cohort.pk)
    return redirect("matching:allocation_run", pk=cohort.pk, run_pk=run.pk)


def allocation_run(request: AuthenticatedHttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """A run: its progress while it computes (htmx asks again every second; without
    JavaScript, a link refreshes the page), then the proposal."""
    cohort = _cohort_for_staff(request, pk)
    run = get_object_or_404(
        AllocationRun.objects.filter(cohort=cohort).select_related("cohort", "created_by"),
        pk=run_pk,
    )
    computing = run.state in (AllocationRun.State.QUEUED, AllocationRun.State.RUNNING)
    if request.htmx and not computing:  # type: ignore[attr-defined]
        # The poll saw the end: load the whole page (the proposal, or the failure).
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    context: dict[str, Any] = {
        "cohort": cohort,
        "run": run,
        "computing": computing,
        "step": 4 if run.state == AllocationRun.State.PUBLISHED else 3,
        "poll_seconds": POLL_SECONDS,
        "error_text": selectors.run_error_text(run)
        if run.state == AllocationRun.State.FAILED
        else "",
    }
    if run.state in (AllocationRun.State.PROPOSED, AllocationRun.State.PUBLISHED):
        context["proposal"] = selectors.allocation_proposal(run=run)
    if run.state == AllocationRun.State.PROPOSED:
        context["staleness"] = selectors.allocation_staleness(run=run)
    return render(request, "matching/allocations/run.html", context)


def allocation_move(request: AuthenticatedHttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """Move one student: choose the project, see the effect, then confirm (POST)."""
    cohort = _cohort_for_staff(request, pk)
    run = get_object_or_404(
        AllocationRun.objects.filter(cohort=cohort, state=AllocationRun.State.PROPOSED),
        pk=run_pk,
    )
    proposal = selectors.allocation_proposal(run=run)
    data = request.POST if request.method == "POST" else request.GET
    student_id = data.get("student", "")
    row = proposal.rows.get(int(student_id)) if student_id.isdigit() else None
    if row is None:
        messages.error(request, _("Choose a student of this allocation."))
        return redirect("matching:allocation_run", pk=cohort.pk, run_pk=run.pk)
    form = MoveForm(
        data if "brief" in data else None,
        initial={"student": row.student.pk, "brief": row.brief_id or MoveForm.UNPLACED},
        choices=_brief_choices(proposal, row),
    )
    effect = None
    if form.is_bound and form.is_valid():
        if request.method == "POST":
            services.allocation_move(
                run=run,
                student_id=row.student.pk,
                brief_id=form.brief_id(),
                acting_user=request.user,
            )
            messages.success(
                request,
                _("%(name)s is moved. The figures below include it.")
                % {"name": row.student.display_name},
            )
            return redirect(
                reverse("matching:allocation_run", kwargs={"pk": cohort.pk, "run_pk": run.pk})
                + f"#student-{row.student.pk}"
            )
        try:
            effect = selectors.move_effect(
                proposal=proposal, student_id=row.student.pk, brief_id=form.brief_id()
            )
        except InstanceError:
            effect = None
    return render(
        request,
        "matching/allocations/move.html",
        {
            "cohort": cohort,
            "run": run,
            "proposal": proposal,
            "row": row,
            "current": proposal.briefs.get(row.brief_id) if row.brief_id else None,
            "form": form,
            "effect": effect,
        },
    )


@require_POST
def allocation_reset(request: AuthenticatedHttpRequest, pk: int, run_pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    run = get_object_or_404(AllocationRun.objects.filter(cohort=cohort), pk=run_pk)
    try:
        services.allocation_reset(run=run, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Back to the computed proposal: your moves are undone."))
    return redirect("matching:allocation_run", pk=cohort.pk, run_pk=run.pk)


@require_POST
def allocation_publish(request: AuthenticatedHttpRequest, pk: int, run_pk: int) -> HttpResponse:
    cohort = _cohort_for_staff(request, pk)
    run = get_object_or_404(AllocationRun.objects.filter(cohort=cohort), pk=run_pk)
    try:
        members = services.allocation_publish(run=run, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            ngettext(
                "The allocation is published: %(count)d student is placed and was told, "
                "and so were the organisations.",
                "The allocation is published: %(count)d students are placed and were told, "
                "and so were the organisations.",
                len(members),
            )
            % {"count": len(members)},
        )
    return redirect("matching:allocation_run", pk=cohort.pk, run_pk=run.pk)


# --- Students ---------------------------------------------------------------------------


def student_allocation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A student's side: their choices before publication, their placement after."""
    cohort = get_object_or_404(selectors.allocation_cohorts_of_student(user=request.user), pk=pk)
    placement = selectors.student_placement(cohort=cohort, student=request.user)
    return render(
        request,
        "matching/allocations/student.html",
        {
            "cohort": cohort,
            "placement": placement,
            "max_choices": selectors.MAX_CHOICES,
            "choices": None
            if placement
            else selectors.student_choices(cohort=cohort, student=request.user),
        },
    )


# --- Organisations ----------------------------------------------------------------------


def organisation_ranking(
    request: AuthenticatedHttpRequest, pk: int, organisation_pk: int
) -> HttpResponse:
    """The organisation's candidates to reorder (moves post to their own address) and how
    many students it can host in total (posted here); its teams after publication."""
    organisation, cohort = _organisation_and_cohort(request, pk, organisation_pk)
    published = selectors.published_run(cohort=cohort)
    here = reverse("matching:organisation_ranking", args=[cohort.pk, organisation.pk])
    capacity_form = None
    if request.method == "POST":
        if published:
            messages.error(
                request, _("The allocation is published: your capacity can no longer change.")
            )
            return redirect(here)
        capacity_form = OrganisationCapacityForm(request.POST)
        if capacity_form.is_valid():
            try:
                services.organisation_capacity_set(
                    cohort=cohort,
                    organisation=organisation,
                    capacity=capacity_form.cleaned_data["capacity"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                capacity_form.add_error("capacity", error)
            else:
                messages.success(request, _("Your capacity for the cohort is saved."))
                return redirect(here)
    briefs = selectors.organisation_openings(cohort=cohort, organisation=organisation)
    capacity = None
    if not published:
        capacity = selectors.organisation_capacity(cohort=cohort, organisation=organisation)
        if capacity_form is None:
            capacity_form = OrganisationCapacityForm(initial={"capacity": capacity.limit})
    return render(
        request,
        "matching/allocations/organisation.html",
        {
            "cohort": cohort,
            "organisation": organisation,
            "briefs": briefs,
            "published": published,
            "capacity": capacity,
            "capacity_form": capacity_form,
            "teams": selectors.published_teams(run=published, organisation=organisation)
            if published
            else [],
            "directions": [("up", _("Move up")), ("down", _("Move down"))],
            "candidates": []
            if published
            else selectors.organisation_candidates(
                cohort=cohort, organisation=organisation, briefs=briefs
            ),
        },
        status=400 if capacity_form is not None and capacity_form.errors else 200,
    )


@require_POST
def organisation_ranking_move(
    request: AuthenticatedHttpRequest, pk: int, organisation_pk: int
) -> HttpResponse:
    organisation, cohort = _organisation_and_cohort(request, pk, organisation_pk)
    student_id = request.POST.get("student", "")
    try:
        services.organisation_ranking_move(
            cohort=cohort,
            organisation=organisation,
            student_id=int(student_id) if student_id.isdigit() else 0,
            direction="up" if request.POST.get("direction") == "up" else "down",
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Your order is saved."))
    return redirect("matching:organisation_ranking", pk=cohort.pk, organisation_pk=organisation.pk)


# --- Helpers ----------------------------------------------------------------------------


def _cohort_for_staff(request: AuthenticatedHttpRequest, pk: int) -> Cohort:
    return get_object_or_404(selectors.allocation_cohorts_for_staff(user=request.user), pk=pk)


def _organisation_and_cohort(
    request: AuthenticatedHttpRequest, pk: int, organisation_pk: int
) -> tuple[Organisation, Cohort]:
    organisation = get_object_or_404(
        Organisation.objects.of_member(request.user), pk=organisation_pk
    )
    cohort = get_object_or_404(selectors.organisation_cohorts(organisation=organisation), pk=pk)
    return organisation, cohort


def _cohort_url(cohort: Cohort, query: str | None) -> str:
    url = reverse("matching:cohort_allocation", kwargs={"pk": cohort.pk})
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode({"q": query})
    return url


def _brief_choices(
    proposal: selectors.Proposal, row: selectors.StudentRow
) -> list[tuple[str, str]]:
    """The run's briefs, the student's choices first, each with its team's fill and the
    student's rank of it: what staff weigh before choosing."""
    order = {bid: i for i, bid in enumerate(row.choices)}
    teams = sorted(
        proposal.teams,
        key=lambda t: (order.get(t.brief.pk, len(order)), t.brief.title, t.brief.pk),
    )
    choices = []
    for team in teams:
        seats = _("%(size)d/%(capacity)d seats") % {"size": team.size, "capacity": team.capacity}
        if team.brief.pk in order:
            label = _("%(title)s — choice %(rank)d — %(seats)s") % {
                "title": team.brief.title,
                "rank": order[team.brief.pk] + 1,
                "seats": seats,
            }
        else:
            label = _("%(title)s — not among their choices — %(seats)s") % {
                "title": team.brief.title,
                "seats": seats,
            }
        choices.append((str(team.brief.pk), label))
    return choices
