# syntax=docker/dockerfile:1
# The KOMM-AN platform image: web (gunicorn), Celery worker and beat all run from it (compose.yaml).

# --- Front-end assets: KERN UX and htmx from npm, exactly as locked ---------------------------
FROM node:22-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
# Runtime assets only (axe-core is for the browser tests); no install scripts run.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# --- The application --------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint's libraries (Pango, HarfBuzz incl. subsetting), a fallback font for PDFs, and
# gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

# Hash-checked dependencies from the lock file, nothing resolved at build time.
RUN python -m venv "$VIRTUAL_ENV"
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes --no-deps -r /tmp/requirements.lock && rm /tmp/requirements.lock

WORKDIR /app
COPY . .
COPY --from=assets /build/node_modules ./node_modules

# Translations and static files are built into the image. collectstatic runs with the
# production settings, because only they use CompressedManifestStaticFilesStorage (the manifest
# gunicorn needs). The values below exist only to pass the production start-up checks; nothing
# connects to them, and compose sets the real ones at run time.
RUN python manage.py compilemessages --ignore=node_modules -v0 \
    && DJANGO_SETTINGS_MODULE=backend.settings.production \
       SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
       ALLOWED_HOSTS=build.invalid \
       SITE_URL=https://build.invalid \
       TRUSTED_PROXY_COUNT=1 \
       DATABASE_URL=postgres://build@build.invalid:5432/build \
       CELERY_BROKER_URL=redis://build.invalid:6379/0 \
       REDIS_URL=redis://build.invalid:6379/1 \
       EMAIL_URL=smtp://build.invalid:25 \
       python manage.py collectstatic --noinput -v0

# Code and static files belong to root and are read-only for the service user; only the
# volumes under /var/lib/komman are writable.
RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin komman \
    && mkdir -p /var/lib/komman/media /var/lib/komman/private \
    && chown -R komman:komman /var/lib/komman
USER komman

ENV DJANGO_SETTINGS_MODULE=backend.settings.production
EXPOSE 8000
CMD ["gunicorn", "backend.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
