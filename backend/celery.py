"""The Celery application. Configured from Django settings (CELERY_ namespace): JSON only,
no result backend, time limits and the beat schedule live in backend/settings/base.py."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")

app = Celery("backend")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _database_connections(task=None, **_kwargs) -> None:
    """Around each task, Django's rule for its database connections, as for a web request:
    closed when older than CONN_MAX_AGE or broken, otherwise kept (Celery's own rule, closing
    them around every task, is switched off by CELERY_DB_REUSE_MAX in the settings)."""
    from django.db import close_old_connections

    if task is not None and task.request.is_eager:
        return  # run in the caller's process, inside its transaction (tests)
    close_old_connections()
