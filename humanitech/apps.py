from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HumanitechConfig(AppConfig):
    name = "humanitech"
    verbose_name = "HumanITech"

    def ready(self) -> None:
        # Runs after each app migrates (idempotent) so new permissions join the group.
        post_migrate.connect(_sync_groups, dispatch_uid="humanitech_sync_groups")


def _sync_groups(**kwargs: Any) -> None:
    from .roles import sync_moderator_group

    sync_moderator_group()
