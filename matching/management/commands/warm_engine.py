from typing import Any

from django.core.management.base import BaseCommand

from matching.bench import warm_up


class Command(BaseCommand):
    help = (
        "Compile the scoring engine's kernels into numba's on-disk cache, so that the first "
        "page or task of a fresh deployment does not pay the ~8 s compilation."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds, how = warm_up()
        self.stdout.write(f"Scoring engine ready in {seconds:.1f} s: {how}.")
