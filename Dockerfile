# HumanITech production image: gunicorn serves the site, the same image runs the Celery
# worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=humanitech.settings.production

RUN useradd --create-home --uid 1000 humanitech
WORKDIR /app

COPY requirements/production.txt requirements/production.txt
RUN pip install -r requirements/production.txt

COPY --chown=humanitech:humanitech . .
# Build steps that need settings but no secrets or database.
RUN python scripts/compile_messages.py \
 && DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput

USER humanitech
# Compile the scoring engine's kernels into numba's cache now, not on the first request.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build python manage.py warm_engine
EXPOSE 8000
CMD ["gunicorn", "humanitech.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
