"""Load the committed taxonomy (taxonomy_data/*.json) into the database, idempotently.

Used by the data migration (with historical models) and by ``manage.py load_taxonomy``
after the JSON is regenerated. Skills are upserted by slug; nothing is deleted (a skill
removed from the curation is deactivated, so briefs and profiles that use it keep working).
"""

import json
from pathlib import Path
from typing import Any

from .taxonomy_search import search_text

DATA_DIR = Path(__file__).resolve().parent / "taxonomy_data"


def _read(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_taxonomy(
    *, skill_model: Any, relation_model: Any, cause_model: Any, default_model: Any
) -> dict[str, int]:
    skills_data = _read("skills.json")["skills"]
    by_slug = {skill.slug: skill for skill in skill_model.objects.all()}
    for item in skills_data:
        values = {
            "name_fr": item["name_fr"],
            "name_en": item["name_en"],
            "category": item["category"],
            "aliases": item["aliases"],
            "esco_uri": item["esco_uri"] or "",
            "esco_label": item.get("esco_label") or "",
            "rome_ogr": item["rome_ogr"] or "",
            "search_text": search_text(item),
            "is_active": True,
        }
        skill = by_slug.get(item["slug"])
        if skill is None:
            by_slug[item["slug"]] = skill_model.objects.create(slug=item["slug"], **values)
        else:
            for field, value in values.items():
                setattr(skill, field, value)
            skill.save()
    curated = {item["slug"] for item in skills_data}
    skill_model.objects.exclude(slug__in=curated).update(is_active=False)

    relation_model.objects.filter(from_skill__slug__in=curated).delete()
    relation_model.objects.bulk_create(
        relation_model(
            from_skill=by_slug[item["slug"]],
            to_skill=by_slug[related["slug"]],
            similarity=related["similarity"],
        )
        for item in skills_data
        for related in item["related"]
    )

    for cause in _read("causes.json")["causes"]:
        cause_model.objects.update_or_create(
            slug=cause["slug"], defaults={"name_fr": cause["name_fr"], "name_en": cause["name_en"]}
        )

    default_model.objects.all().delete()
    defaults = [
        default_model(
            category=category["code"],
            skill=by_slug[entry["slug"]],
            level=entry["level"],
            weight=entry["weight"],
        )
        for category in _read("category_defaults.json")["need_categories"]
        for entry in category["skills"]
    ]
    default_model.objects.bulk_create(defaults)
    return {
        "skills": len(skills_data),
        "relations": relation_model.objects.count(),
        "causes": cause_model.objects.count(),
        "defaults": len(defaults),
    }
