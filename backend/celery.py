"""The Celery application. Configured from Django settings (CELERY_ namespace): JSON only,
no result backend, time limits and the beat schedule live in backend/settings/base.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")

app = Celery("backend")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
