"""Pages of the recommendations: "Missions pour vous" (a student's best briefs) and
"Profils recommandés" (the best students for a brief, for its organisation's members)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from organisations.models import Brief

from ..forms.recommendations import RecommendationFilterForm
from ..selectors import recommendations as selectors


@require_GET
def recommendations(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own recommendations: nobody else's scores are reachable."""
    form = RecommendationFilterForm(request.GET or None)
    result = selectors.student_recommendations(
        user=request.user,  # type: ignore[arg-type]
        filters=form.filters(),
        page_number=request.GET.get("page"),
    )
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    template = (
        "matching/recommendations/_student_results.html"
        if partial
        else "matching/recommendations/student.html"
    )
    return render(
        request,
        template,
        {"form": form, "result": result, "filtered": form.is_bound and form.has_changed()},
    )


@require_GET
def brief_recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    """Recommended students for a brief: members of its organisation only (404 otherwise)."""
    brief = get_object_or_404(
        Brief.objects.of_member(request.user).select_related("organisation"), pk=pk
    )
    result = selectors.brief_recommendations(
        brief=brief,
        viewer=request.user,  # type: ignore[arg-type]
        roles=request.roles,  # type: ignore[attr-defined]
        page_number=request.GET.get("page"),
    )
    return render(
        request, "matching/recommendations/brief.html", {"brief": brief, "result": result}
    )
