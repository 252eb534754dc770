from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors import skill_search


@require_GET
def skill_search_view(request: HttpRequest) -> HttpResponse:
    """The skill picker's search (htmx partial, also a plain page without JavaScript)."""
    query = request.GET.get("q", "")[:100]
    target = request.GET.get("target", "")[:100]
    skills = skill_search(query=query)
    template = "matching/skill_results.html" if request.htmx else "matching/skill_search.html"  # type: ignore[attr-defined]
    return render(request, template, {"skills": skills, "query": query, "target": target})
