"""Settings for pytest. The database, broker and cache come from the environment like
everywhere else; CI points them at PostgreSQL and Redis (see .ci/run)."""

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, VAR_DIR

DEBUG = False
# Fast hashing in tests; Argon2 itself is tested through the production settings check.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MAILBOX_DIR = VAR_DIR / "test-mail"
PRIVATE_STORAGE_ROOT = VAR_DIR / "test-private"
# Tests deliver notifications explicitly (or through a real worker in the end-to-end tests);
# a memory broker keeps the on-commit enqueue from needing a server unless one is configured.
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_URL = "memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file (not memory) for SQLite test databases, so that worker processes started by the
# end-to-end tests see the same data.
from .base import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One file per run, so that two runs on one machine do not share (and lock) a database.
    import os

    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
from .base import REDIS_URL  # noqa: E402

if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
NOTIFICATIONS_MAX_PER_SECOND = 0  # tests that measure the limit set it themselves
# In-process tests run inside a transaction that the threads' own connections cannot see;
# tests of the lanes turn them on in transactional tests, worker processes use the default.
NOTIFICATIONS_SMTP_CONNECTIONS = 1
