"""Production: everything from the environment, and refusal to start with unsafe defaults."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLAUTH_TRUSTED_PROXY_COUNT,
    ALLOWED_HOSTS,
    CELERY_BROKER_URL,
    DATABASES,
    DEBUG,
    EMAIL_URL,
    INSECURE_SECRET_KEY,
    MIDDLEWARE,
    REDIS_URL,
    SECRET_KEY,
    SITE_URL,
)


def _refuse(reason: str) -> None:
    raise ImproperlyConfigured(f"Production settings refuse to start: {reason}")


if DEBUG:
    _refuse("DEBUG must be off.")
if SECRET_KEY == INSECURE_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    _refuse("SECRET_KEY must be set to a random value of at least 50 characters.")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    _refuse("ALLOWED_HOSTS must list the real host names.")
if "sqlite" in DATABASES["default"]["ENGINE"]:
    _refuse("DATABASE_URL must point at PostgreSQL.")
if CELERY_BROKER_URL.startswith(("filesystem", "memory")):
    _refuse("CELERY_BROKER_URL must point at Redis.")
if not REDIS_URL:
    _refuse("REDIS_URL must be set (rate limits need a cache shared by all processes).")
if not EMAIL_URL:
    _refuse("EMAIL_URL must be set (for example smtp+tls://user:password@host:587).")
if ALLAUTH_TRUSTED_PROXY_COUNT < 1:
    _refuse(
        "TRUSTED_PROXY_COUNT must be at least 1 (the TLS proxy in front); otherwise every "
        "visitor shares the proxy's address and one attacker locks everybody out of login."
    )
if not SITE_URL.startswith("https://"):
    _refuse("SITE_URL must be an https:// address.")

MAILBOX_ENABLED = False
DEMO_DATA_ALLOWED = False

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
MIDDLEWARE = list(MIDDLEWARE)
