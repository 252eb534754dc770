from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from matching.models import Cause, NeedCategorySkill, Skill, SkillRelation
from matching.taxonomy_load import load_taxonomy


class Command(BaseCommand):
    help = "Load or refresh the skills & causes taxonomy from matching/taxonomy_data/."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            counts = load_taxonomy(
                skill_model=Skill,
                relation_model=SkillRelation,
                cause_model=Cause,
                default_model=NeedCategorySkill,
            )
        self.stdout.write(", ".join(f"{key}={value}" for key, value in counts.items()))
