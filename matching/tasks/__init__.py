# Celery autodiscovery imports this package: each concern's tasks module registers here.
