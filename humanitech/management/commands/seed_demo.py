import importlib
import importlib.util
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
from humanitech.demo import DemoContext

# Each app seeds its own demo data, in dependency order; apps without a demo module are skipped.
SEEDERS = [
    "accounts.demo",
    "organisations.demo",
    "students.demo",
    "matching.demo",
    "notifications.demo",
]


class Command(BaseCommand):
    help = "Create realistic French demo data (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the volume of demo content (load tests). Default 1.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already has users.",
        )

    def handle(self, *args: Any, scale: int, if_empty: bool, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DEBUG off (demo passwords).")
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        if if_empty and User.objects.exists():
            self.stdout.write("Database already has data: demo seeding skipped.")
            return
        if User.objects.filter(email__endswith="@demo.humanitech.fr").exists():
            raise CommandError("Demo data already present. Use a fresh database.")
        started = time.monotonic()
        ctx = DemoContext(scale=scale, log=lambda message: self.stdout.write(f"  {message}"))
        with transaction.atomic():
            for module_name in SEEDERS:
                if importlib.util.find_spec(module_name) is None:
                    continue
                importlib.import_module(module_name).seed(ctx)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo data created in {elapsed:.1f} s."))
