from celery import shared_task


@shared_task(name="humanitech.health")
def health() -> str:
    """Trivial task: proves a worker is consuming the queue (``/healthz`` and smoke tests)."""
    return "ok"
