"""Settings shared by every environment. The only settings module that reads the environment.

Environment variables are documented in .env.example. local.py, test.py and production.py import
from here and only adjust or tighten.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# Where the local demo keeps its state: database, broker folders, cache, mail, secret key.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

# Marker the production settings refuse to start with.
INSECURE_SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

SECRET_KEY = env("SECRET_KEY", default=INSECURE_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public base URL used in links inside emails and PDFs (no request is around in a worker).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The deployment: which KI runs this instance. Other KIs change these, never code.
KI_NAME = env("KI_NAME", default="Kommunales Integrationszentrum Kreis Warendorf")
KI_SHORT_NAME = env("KI_SHORT_NAME", default="KI Kreis Warendorf")
KI_DISTRICT = env("KI_DISTRICT", default="Kreis Warendorf")
KI_ADDRESS = env(
    "KI_ADDRESS", default="Kreis Warendorf, Kommunales Integrationszentrum, 59227 Ahlen"
)
KI_CONTACT_EMAIL = env("KI_CONTACT_EMAIL", default="integration@example.org")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Before rest_framework.authtoken: its drf_create_token command is overridden here.
    "backend.accounts",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "notifications",
    "volunteers",
    "funding",
    "directory",
    "backend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "backend.accounts.middleware.UserLanguageMiddleware",
    "csp.middleware.CSPMiddleware",
    "backend.middleware.PrivatePagesMiddleware",
]

# Benchmarks: report SQL queries per request in a response header (never in normal operation).
QUERY_COUNT_HEADER = env.bool("QUERY_COUNT_HEADER", default=False)
if QUERY_COUNT_HEADER:
    MIDDLEWARE.insert(0, "backend.middleware.QueryCountMiddleware")

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backend.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo's SQLite serves the web server's threads, the worker and the beat at once.
    # Write-ahead log: readers never wait for the writer. Every transaction takes the write
    # lock when it begins (IMMEDIATE): two transactions that both read and then both write
    # would otherwise get "database is locked" at once, without waiting. A writer that finds
    # the lock taken waits up to 20 seconds for it. The lock serialises writers, which also
    # keeps seats, helper places and budgets from being sold twice (select_for_update is a
    # no-op on SQLite).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits of allauth live here, so it must be shared by all processes) ----------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A file cache is shared by the web, worker and beat processes of `make run`.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "backend.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# First and last name, asked before the email address (backend/accounts/forms.py).
ACCOUNT_SIGNUP_FORM_CLASS = "backend.accounts.forms.SignupNameForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Failed logins: at most 10 per minute from one address (the 11th is refused), plus per account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For entries allauth trusts for
# the client address (rate limits per address). 0 = use REMOTE_ADDR (no proxy).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = KI_SHORT_NAME
MFA_RECOVERY_CODE_COUNT = 10

# Sessions end after 30 minutes without a request (public-sector default for personal data).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language, 24-hour clock (backend/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["backend.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files: KERN UX and htmx come from npm (node_modules), never from a CDN -----------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/kern", NODE_MODULES / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Documents (PDFs) are never served from a public path.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private"))
# Funding attachments (annexes, receipts): PDF, PNG or JPEG, checked by content.
FUNDING_ATTACHMENT_MAX_BYTES = env.int("FUNDING_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
FUNDING_ATTACHMENTS_PER_APPLICATION = 30

# --- Email ----------------------------------------------------------------------------------
# Default: every email becomes an .eml file in var/mail/, readable at /mailbox/ (local only).
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
    MAILBOX_ENABLED = False
else:
    EMAIL_BACKEND = "notifications.mailbox.MailboxBackend"
    MAILBOX_ENABLED = True
MAILBOX_DIR = VAR_DIR / "mail"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{KI_SHORT_NAME} <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {
        "visibility_timeout": 3600,
        # Publishing gives up quickly when Redis is down (the outbox sweep catches up), so a
        # web request never hangs on the broker.
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery would close the database connections around every task; backend/celery.py applies
# Django's CONN_MAX_AGE instead (a connection per outbox batch cost more than its emails' SQL).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Publishing a task must not hang a web request when the broker is down: the outbox sweep
# delivers what could not be enqueued.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    # Re-enqueue notifications that are still pending (broker down at commit time, lost task,
    # worker killed mid-delivery). Runs every minute; a row is picked up once it is a few
    # minutes old, so the normal on-commit enqueue wins in the common case.
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": crontab(minute="*"),
    },
    # Help requests past their "open until" date become expired (volunteers.tasks), and
    # invitations nobody answered expire (their request ended, or 14 days passed). Shortly
    # after midnight, so that a request open "until today" stays open all of today.
    "volunteers-expire-help-requests": {
        "task": "volunteers.expire_help_requests",
        "schedule": crontab(hour=0, minute=15),
    },
    # Auto-invite: the next batch of open requests that are not filled after their waiting
    # days (volunteers.services.auto_invite). The first batch is enqueued on opening; this
    # also catches it when that task was lost.
    "volunteers-auto-invite": {
        "task": "volunteers.auto_invite_sweep",
        "schedule": crontab(minute=5),
    },
    # The weekly digest of new requests that fit (volunteers.services.digest): Mondays, 07:00.
    "volunteers-send-digests": {
        "task": "volunteers.send_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    # Training seat offers past their time pass to the next in line (services.trainings).
    "volunteers-expire-training-offers": {
        "task": "volunteers.expire_training_offers",
        "schedule": crontab(minute="*/5"),
    },
    # Führungszeugnis records are deleted at the latest 3 months after the volunteer stopped
    # (volunteers.services.gdpr.fuehrungszeugnis_purge_expired has the rule). Daily, at night.
    "volunteers-purge-fuehrungszeugnis": {
        "task": "volunteers.purge_fuehrungszeugnis",
        "schedule": crontab(hour=3, minute=30),
    },
    # Proof-of-use reminders (funding.services.proof): 4 weeks and 1 week before the deadline
    # and weekly after it. Daily at 08:00; the dedupe key per case and stage makes reruns
    # harmless.
    "funding-proof-reminders": {
        "task": "funding.send_proof_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Training reminders that are due (volunteers.services.training_reminders): found by a
    # sweep over the rules, never as ETA tasks. Every ten minutes, so a reminder "at 09:00"
    # is queued by 09:10; the dedupe key per rule and registration makes reruns harmless.
    "volunteers-training-reminders": {
        "task": "volunteers.send_training_reminders",
        "schedule": crontab(minute="*/10"),
    },
    # Führungszeugnis runs out within 8 weeks: one reminder to the volunteer
    # (volunteers.services.expiry_reminders). Daily at 07:30; the dedupe key per record and
    # expiry date makes reruns harmless.
    "volunteers-fuehrungszeugnis-reminders": {
        "task": "volunteers.send_fuehrungszeugnis_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Open help requests that still need helpers and close within 3 days: one reminder to each
    # coordinator (volunteers.services.expiry_reminders). Daily at 07:45; the dedupe key per
    # request, "open until" date and coordinator makes reruns harmless.
    # Directory offers not confirmed for six months: one reminder per coordinator and period
    # (directory.services.reminders); after eight months the public pages hide them. Daily.
    "directory-offer-reminders": {
        "task": "directory.send_offer_reminders",
        "schedule": crontab(hour=7, minute=50),
    },
    "volunteers-request-expiry-reminders": {
        "task": "volunteers.send_request_expiry_reminders",
        "schedule": crontab(hour=7, minute=45),
    },
}

# --- Notifications --------------------------------------------------------------------------
# Rows still pending after this many seconds are re-enqueued by the sweep.
NOTIFICATIONS_SWEEP_AFTER_SECONDS = env.int("NOTIFICATIONS_SWEEP_AFTER_SECONDS", default=180)
# A delivery claimed longer ago than this is considered abandoned (worker died) and retried.
NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = env.int("NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS", default=300)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
# After a temporary error (SMTP 4xx, connection refused) the next attempt waits
# base * 2^(attempts-1) seconds with jitter, at most the maximum: 5, 10, 20 ... 600 s.
NOTIFICATIONS_RETRY_BACKOFF_SECONDS = env.float("NOTIFICATIONS_RETRY_BACKOFF_SECONDS", default=5)
NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = env.float(
    "NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS", default=600
)
# All workers together send at most this many emails per second (0: no limit); set it below
# the mail provider's limit.
NOTIFICATIONS_MAX_PER_SECOND = env.int("NOTIFICATIONS_MAX_PER_SECOND", default=25)
# Deliveries published together after a commit or by the sweep share one task and its SMTP
# connections; a batch hands its rest back after this many seconds (task time limit is 60 s).
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=100)
NOTIFICATIONS_BATCH_SECONDS = env.int("NOTIFICATIONS_BATCH_SECONDS", default=30)
# SMTP connections one batch sends over at once (threads in the worker), within the mail
# provider's limit on concurrent connections. SQLite serialises writers: one there.
NOTIFICATIONS_SMTP_CONNECTIONS = env.int(
    "NOTIFICATIONS_SMTP_CONNECTIONS",
    default=1 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 4,
)

# --- Demo data ------------------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", default="komman-demo-2026")
DEMO_TOTP_SECRET = env("DEMO_TOTP_SECRET", default="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
DEMO_DATA_ALLOWED = True

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools log every step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Reference data of the deployment (towns, languages, activity areas) --------------------
REFERENCE_DATA_FILE = env.path(
    "REFERENCE_DATA_FILE",
    default=str(BASE_DIR / "volunteers" / "fixtures" / "reference_kreis_warendorf.json"),
)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not logged in" a 401, not a 403.
        "backend.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "backend.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "backend.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KOMM-AN Platform API",
    "DESCRIPTION": (
        "Everything a person can do in the web interface. Authenticate with the browser "
        "session or with `Authorization: Token <key>` (manage.py drf_create_token EMAIL). "
        "Errors always have the form {type, detail, errors?}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LanguageLevelEnum": "volunteers.models.people.LanguageLevel",
        "OrganisationKindEnum": "volunteers.models.organisations.Organisation.Kind",
        "TownKindEnum": "volunteers.models.reference.Town.Kind",
    },
}

# --- Security headers -----------------------------------------------------------------------
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the TOTP QR code that allauth renders as a data URI.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Volunteering ---------------------------------------------------------------------------
# How long the accept/decline links in invitation emails work.
ASSIGNMENT_LINK_MAX_AGE_SECONDS = env.int("ASSIGNMENT_LINK_MAX_AGE_SECONDS", default=7 * 86400)
# How long an invitation to become a coordinator of an organisation works.
COORDINATOR_INVITATION_MAX_AGE_SECONDS = env.int(
    "COORDINATOR_INVITATION_MAX_AGE_SECONDS", default=14 * 86400
)
# Ehrenamtskarte NRW thresholds (from 2026): either hours per week or hours per year, over
# the given number of years.
EHRENAMTSKARTE_HOURS_PER_WEEK = env.int("EHRENAMTSKARTE_HOURS_PER_WEEK", default=4)
EHRENAMTSKARTE_HOURS_PER_YEAR = env.int("EHRENAMTSKARTE_HOURS_PER_YEAR", default=200)
EHRENAMTSKARTE_YEARS = env.int("EHRENAMTSKARTE_YEARS", default=2)

# --- Matching (issue 5) ---------------------------------------------------------------------
# A suggestion's score is the sum of weight × part over these parts; every part is a number from
# 0 to 1, computed in SQL by volunteers/matching/scores.py. Only the ratios between the weights
# matter. "Neutral" below means the same value (0.5) for every candidate, so the part decides
# nothing.
MATCHING_WEIGHTS = {
    # The request's activity area is one of the volunteer's: 1, else 0.
    "activity": 3.0,
    # The volunteer's level in the request's languages: native 1, fluent 0.5, basic 0, averaged
    # over the request's languages (the minimum level itself is a hard filter). Requests that
    # need no language: neutral.
    "language": 3.0,
    # 1 in the same town, falling linearly to 0 at the volunteer's travel radius (beyond it the
    # volunteer is not suggested at all). Straight-line distance between the towns.
    "distance": 2.0,
    # The share of the request's weekly slots in which the volunteer is available; for a single
    # date, 1 if the volunteer is available at that weekday and part of the day, else 0.
    # Flexible requests: neutral.
    "availability": 2.0,
    # Spreading the asking. Ranking volunteers: 1 for somebody not asked in the last 30 days
    # and not helping with an open request right now; down to 0 for somebody asked three times
    # or more in 30 days who is busy. Ranking requests for a volunteer: the share of helper
    # places nobody has confirmed yet (requests without any helper rank highest).
    "fairness": 1.5,
}
# Invitations a volunteer receives in 7 days at most: whoever has this many is not suggested
# to coordinators until the oldest is more than a week old.
MATCHING_WEEKLY_INVITATIONS = env.int("MATCHING_WEEKLY_INVITATIONS", default=3)
