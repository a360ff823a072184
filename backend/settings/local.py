"""Zero-setup local run: SQLite, file broker, file cache, mail into var/mail/ (see base.py)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# gunicorn or runserver: static files straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
