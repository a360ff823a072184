"""Zero-setup local run (`make run`): SQLite, file broker, file cache, mail into var/mail/ (see
base.py). Safe to leave running on a laptop: the web server listens on 127.0.0.1 only
(Procfile), DEBUG stays off unless a developer sets DEBUG=true (the platform's own 404 and 500
pages, never Django's debug pages that list every URL), and the secret key is random.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSECURE_SECRET_KEY, SECRET_KEY, VAR_DIR


def demo_secret_key(path: Path) -> str:
    """The demo's own random secret key, created on first start and kept in `path` (readable
    by its owner only). Web, worker and beat start at once and must share one key (links in
    emails are signed by the worker and checked by the web server): the key is written to a
    file of this process first and then linked into place, which succeeds for exactly one of
    them; the others read what it wrote, never a half-written file."""
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(64))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: its key counts
        finally:
            draft.unlink()
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(
            f"{path} holds no usable secret key: delete it to get a new one."
        )
    return key


if SECRET_KEY == INSECURE_SECRET_KEY:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    SECRET_KEY = demo_secret_key(VAR_DIR / "secret-key")
# gunicorn or runserver: static files straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
