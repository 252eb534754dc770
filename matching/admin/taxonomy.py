from typing import Any

from django.contrib import admin
from django.core.cache import cache
from django.db import models
from django.http import HttpRequest

from ..models import Cause, NeedCategorySkill, Skill, SkillRelation
from ..selectors import SKILL_INDEX_CACHE_KEY
from ..taxonomy_search import search_text


class SkillRelationInline(admin.TabularInline):
    model = SkillRelation
    fk_name = "from_skill"
    autocomplete_fields = ["to_skill"]
    extra = 0


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_en", "category", "esco_uri", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name_fr", "name_en", "slug", "search_text"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [SkillRelationInline]
    # ESCO URIs are https; and without a scheme Django 5.2 warns (an error in our tests).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: Skill, form: Any, change: bool) -> None:
        obj.search_text = search_text(
            {
                "slug": obj.slug,
                "name_fr": obj.name_fr,
                "name_en": obj.name_en,
                "aliases": obj.aliases,
            }
        )
        super().save_model(request, obj, form, change)
        cache.delete(SKILL_INDEX_CACHE_KEY)


@admin.register(Cause)
class CauseAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_en", "slug"]
    search_fields = ["name_fr", "name_en"]


@admin.register(NeedCategorySkill)
class NeedCategorySkillAdmin(admin.ModelAdmin):
    list_display = ["category", "skill", "level", "weight"]
    list_filter = ["category"]
    autocomplete_fields = ["skill"]
