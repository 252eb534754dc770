"""Fast, isolated settings for the test suite (pytest-django)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-with-enough-entropy-0123456789-abcdefghijklmnop"  # noqa: S105
ALLOWED_HOSTS = ["*"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# As in production: staff need a second factor for the admin (tests.factories gives
# staff users an authenticator unless told otherwise).
STAFF_MFA_REQUIRED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run eagerly unless a test starts a real worker (it sets CELERY_BROKER_URL itself).
CELERY_BROKER_URL = env("TEST_CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default="/tmp/humanitech-test-media")  # noqa: S108
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
}
