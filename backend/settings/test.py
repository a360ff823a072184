"""Settings for pytest. The database, broker and cache come from the environment like
everywhere else; CI points them at PostgreSQL and Redis (see .ci/run).

`make test` runs the suite in several pytest-xdist workers at once. Each worker gets what no
other may touch: its own test database (pytest-django adds the worker id to PostgreSQL's name,
the SQLite file name carries the process id), its own Redis databases and its own folders under
var/. The processes a test starts (Celery workers, servers) inherit the same through the
environment, which this module updates.
"""

import os
import re

from .base import *  # noqa: F403
from .base import CACHES, CELERY_BROKER_URL, DATABASES, REDIS_URL, VAR_DIR

# "gw0", "gw1", ... under pytest-xdist; a single process is worker 0.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
WORKER_NUMBER = int(WORKER.removeprefix("gw") or 0)

# Redis databases per worker, by purpose: 16 databases hold three workers' sets (the Makefile
# runs at most three). Tests ask for theirs by name (settings.TEST_REDIS_DBS["rate_limits"]).
REDIS_PURPOSES = ("broker", "cache", "rate_limits", "compose_broker", "compose_cache")
TEST_REDIS_DBS = {
    purpose: WORKER_NUMBER * len(REDIS_PURPOSES) + offset
    for offset, purpose in enumerate(REDIS_PURPOSES)
}
assert max(TEST_REDIS_DBS.values()) < 16, "Redis has 16 databases: at most 3 test workers"


def _redis_db(url: str, purpose: str) -> str:
    """`url` with the database number of this worker's `purpose`."""
    return re.sub(r"(/\d*)?$", f"/{TEST_REDIS_DBS[purpose]}", url.split("?")[0], count=1)


DEBUG = False
# Fast hashing in tests; Argon2 itself is tested through the production settings check.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MAILBOX_DIR = VAR_DIR / f"test-mail-{WORKER}"
PRIVATE_STORAGE_ROOT = VAR_DIR / f"test-private-{WORKER}"
MEDIA_ROOT = VAR_DIR / f"test-media-{WORKER}"
# Tests deliver notifications explicitly (or through a real worker in the end-to-end tests);
# a memory broker keeps the on-commit enqueue from needing a server unless one is configured.
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_URL = "memory://"
elif CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_URL = _redis_db(CELERY_BROKER_URL, "broker")
    # Celery reads the variable before its configuration, and worker processes inherit it.
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
if REDIS_URL:
    REDIS_URL = _redis_db(REDIS_URL, "cache")
    os.environ["REDIS_URL"] = REDIS_URL
    CACHES = {**CACHES, "default": {**CACHES["default"], "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file (not memory) for SQLite test databases, so that worker processes started by the
# end-to-end tests see the same data; one file per process, so that two runs (or two xdist
# workers) never share (and lock) a database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
NOTIFICATIONS_MAX_PER_SECOND = 0  # tests that measure the limit set it themselves
# In-process tests run inside a transaction that the threads' own connections cannot see;
# tests of the lanes turn them on in transactional tests, worker processes use the default.
NOTIFICATIONS_SMTP_CONNECTIONS = 1
