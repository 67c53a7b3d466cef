"""Settings read from the environment, with embedded defaults for a laptop.

Unset, Voices runs on a SQLite file, local files and Celery's filesystem
broker, all under ``var/``. Set ``DATABASE_URL``, ``REDIS_URL`` and
``AWS_STORAGE_BUCKET_NAME`` to use PostgreSQL, Redis and S3 instead.
Every variable is listed in ``.env.example``.
"""

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env.str("VOICES_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _development_secret_key() -> str:
    """A key made once per checkout, so sessions survive restarts of `make run`."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # modeltranslation must come before admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "django_countries",
    "allauth",
    "allauth.account",
    "accounts",
    "contest",
    "submissions",
    "judging",
    "results",
    "voting",
    "health",
    # On top of every other app: the demo may import any of them, and nothing imports it.
    "demo",
]

MIDDLEWARE = [
    # First, so it sees every answer, refusals by the middleware below included.
    "submissions.framing.RequestBodyFraming",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "contest.rules.RolesPerRequest",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, around the view only: notes whether what a request sent reached the database, for the error pages.
    "health.outage.SavesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "contest.context_processors.languages",
            ],
        },
    },
]
# Django's widget templates in their Jinja2 version (the same HTML, faster); the admin's through Django's engine.
FORM_RENDERER = "config.renderers.FormRenderer"

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'voices.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write at once: wait for the lock and
    # take it at the start of a transaction instead of failing mid-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # SQLite cannot make a unique constraint that treats empty values as equal (one winner per
    # contest-wide scope); results.services refuses a second one itself.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
# Kept open on SQLite too: closing the last connection checkpoints the WAL with an fsync,
# which waits behind any large upload being written to the same disk (B5).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")


def _next_redis_database(url: str) -> str:
    """The same Redis server, one database number up: clearing the cache must never drop queued jobs."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{number + 1}").geturl()


if REDIS_URL:
    # The cache fails soft: while Redis is away a read is a miss and a write is skipped (and logged), so pages
    # keep working; allauth's rate limits, its only user, pause for that time.
    CACHES = {
        "default": {
            "BACKEND": "accounts.cache.FailSoftRedisCache",
            "LOCATION": env.str("REDIS_CACHE_URL", default=_next_redis_database(REDIS_URL)),
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # Shared by every gunicorn worker, so rate limits hold across processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Accounts ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id at a cost chosen for sign-in at school scale (accounts/hashers.py, benchmarks/b9_sign_in.py); the others
# only check older passwords, which are hashed again with Argon2id at their owner's next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "contest:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "accounts:profile"
ACCOUNT_SIGNUP_REDIRECT_URL = "accounts:profile"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Voices] "
# Sign-in at school scale, with no lockout (docs/operations.md, "Signing in"). A class or a university signs in
# from one address: 120 attempts a minute from an address, right or wrong. Wrong passwords are counted per address
# (20 a minute) and per address and account (5 in 5 minutes: accounts.adapter puts the address in allauth's key),
# never per account alone, so wrong passwords sent from elsewhere never stop the owner. Emailed codes are limited per
# address only, for the same reason; each goes to the account's own address. Each limit answers with a message
# saying what to do (templates/429.html, accounts.adapter).
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    "login_failed": "20/m/ip,5/5m/key",
    "request_login_code": "20/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_email": "1/m/user",
    # People's-choice vote: links asked for, per visitor's network address and per email address, an hour at a
    # time; ballots cast from one network address in an hour.
    "vote_link": "30/h/ip,3/h/key",
    "vote_cast": "60/h/ip",
}
# The request header in which the reverse proxy gives the visitor's country (for the vote's integrity page), as
# Django names it: HTTP_CF_IPCOUNTRY behind Cloudflare, or what nginx's GeoIP module is set to send. Empty: none.
VOTING_COUNTRY_HEADER = env.str("VOTING_COUNTRY_HEADER", default="")
# Sign-in by a code sent by email: offered beside the password, and as the way in when a password fails.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Mail can take minutes to reach a school's or a phone's inbox.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
# Behind a reverse proxy, rate limits must count the visitor's address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Languages and time --------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese (Simplified)")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
# The codes alone, for every list of the six; a translated field's column is
# modeltranslation's build_localized_fieldname(field, code), as in title_zh_hans.
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_TZ = True

# --- Files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
PUBLIC_MEDIA_ROOT = VAR_DIR / "public"
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
# Unfinished uploads: on the same disk as the private files, so finishing one is a rename, not a copy.
UPLOAD_TEMP_DIR = Path(env.str("UPLOAD_TEMP_DIR", default=str(VAR_DIR / "uploads")))
UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024
# /healthz reports the node down when its upload folder has less room than this (a few of the largest uploads).
UPLOAD_MIN_FREE_BYTES = env.int("UPLOAD_MIN_FREE_BYTES", default=2 * 1024**3)
UPLOAD_IDLE_HOURS = 24
# Pictures with more pixels than this are refused from their header, before any decoding (decompression bombs).
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=100_000_000)
# Seconds a PDF's text or first-page preview may take in its own process before it is stopped.
PDF_TIMEOUT_SECONDS = env.float("PDF_TIMEOUT_SECONDS", default=60)
# ClamAV: every file is scanned when a socket or a host is set; unset, there is no virus scan.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT_SECONDS = env.float("CLAMD_TIMEOUT_SECONDS", default=120)

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
# A CDN or custom domain for published files only: private files never go through it (see below).
AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
# Published files in a bucket of their own (optional): by default they share the private files' bucket, under
# `public/`, the one prefix anyone may read.
AWS_PUBLIC_BUCKET_NAME = env.str("AWS_PUBLIC_BUCKET_NAME", default="") or AWS_STORAGE_BUCKET_NAME
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
# Two uploads with one name must never replace each other's bytes.
AWS_S3_FILE_OVERWRITE = False
AWS_S3_SIGNATURE_VERSION = "s3v4"
# Signed links to private originals and renditions live five minutes.
PRIVATE_URL_EXPIRY_SECONDS = 300

if AWS_STORAGE_BUCKET_NAME:
    _s3 = "config.storages.S3Storage"  # django-storages, its API models loaded once a process
    STORAGES = {
        "private": {
            "BACKEND": _s3,
            "OPTIONS": {
                "location": "private",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": PRIVATE_URL_EXPIRY_SECONDS,
                # Always signed links on the S3 endpoint: a CDN address would carry no signature and no expiry,
                # so a CDN that can read the bucket would make every original public.
                "custom_domain": None,
            },
        },
        "public": {
            "BACKEND": _s3,
            "OPTIONS": {
                "bucket_name": AWS_PUBLIC_BUCKET_NAME,
                "location": "public",
                "default_acl": None,
                "querystring_auth": False,
                "custom_domain": AWS_S3_CUSTOM_DOMAIN,
            },
        },
    }
else:
    _fs = "django.core.files.storage.FileSystemStorage"
    STORAGES = {
        "private": {"BACKEND": _fs, "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},
        "public": {"BACKEND": _fs, "OPTIONS": {"location": PUBLIC_MEDIA_ROOT, "base_url": MEDIA_URL}},
    }
# Anything that forgets to name a storage lands in the private one.
STORAGES["default"] = STORAGES["private"]
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Email ---------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Voices <voices@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery --------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest task's hard limit, or Redis hands an
        # unacknowledged job to a second worker while the first still runs it.
        "visibility_timeout": 2 * 60 * 60,
    }
else:
    for _sub in ("queue", "processed", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_QUEUES = (Queue("default"), Queue("media"))
# Long media work (video, audio) has its own queue, so short jobs never wait behind it.
CELERY_TASK_ROUTES = {
    "submissions.tasks.run_short_job": {"queue": "default"},
    "submissions.tasks.run_long_job": {"queue": "media"},
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "close-contests-past-their-deadline": {
        "task": "contest.tasks.close_contests_past_deadline",
        "schedule": timedelta(minutes=1),
    },
    "remove-idle-uploads": {
        "task": "submissions.tasks.remove_idle_uploads",
        "schedule": timedelta(hours=1),
    },
    "sweep-processing-jobs": {
        "task": "submissions.tasks.sweep_jobs",
        "schedule": timedelta(minutes=1),
    },
    "check-storage": {
        "task": "submissions.tasks.check_storage",
        "schedule": timedelta(days=1),
    },
    "report-unfinished-processing-jobs": {
        "task": "submissions.tasks.report_unfinished_jobs",
        "schedule": timedelta(days=1),
    },
    "announce-results-due": {
        "task": "results.tasks.announce_due",
        "schedule": timedelta(minutes=1),
    },
    "delete-non-winning-originals": {
        "task": "results.tasks.delete_non_winning_originals",
        "schedule": timedelta(hours=6),
    },
}
# Result emails leave in batches of RESULT_EMAIL_BATCH per contest, spaced to RESULT_EMAIL_BATCHES_PER_MINUTE
# (written like a Celery rate, "6/m" is a batch every 10 s), so a mail provider's sending limits are respected.
RESULT_EMAIL_BATCH = env.int("RESULT_EMAIL_BATCH", default=50)
RESULT_EMAIL_BATCHES_PER_MINUTE = env.str("RESULT_EMAIL_BATCHES_PER_MINUTE", default="6/m")
# Processing jobs: a running job's worker touches its row every HEARTBEAT seconds; one silent for
# STALE seconds (or past the task time limit) has lost its worker, and the sweeper sends it again.
# A queued job sent RESEND_AFTER seconds ago whose mark on the broker is gone (Redis restarted empty) is sent
# again; one whose message has not started in QUEUED_STALE seconds is sent again whatever the broker says.
MEDIA_JOB_HEARTBEAT_SECONDS = env.float("MEDIA_JOB_HEARTBEAT_SECONDS", default=15)
MEDIA_JOB_STALE_SECONDS = env.float("MEDIA_JOB_STALE_SECONDS", default=120)
MEDIA_JOB_RESEND_AFTER_SECONDS = env.float("MEDIA_JOB_RESEND_AFTER_SECONDS", default=30)
MEDIA_JOB_QUEUED_STALE_SECONDS = env.float("MEDIA_JOB_QUEUED_STALE_SECONDS", default=30 * 60)
# A worker whose database stops answering waits for it this long, step by step, before handing the job back.
MEDIA_JOB_DATABASE_WAIT_SECONDS = env.float("MEDIA_JOB_DATABASE_WAIT_SECONDS", default=10 * 60)
MEDIA_JOB_MAX_ATTEMPTS = env.int("MEDIA_JOB_MAX_ATTEMPTS", default=4)
MEDIA_JOB_RETRY_SECONDS = env.float("MEDIA_JOB_RETRY_SECONDS", default=30)
# Threads one media job's ffmpeg may use. 0 lets ffmpeg take every core: a lone transcode finishes soonest
# (B3). With N media worker processes on one machine, cores ÷ N keeps them from crowding each other, and the
# pipeline's throughput grows with the workers (S1).
MEDIA_THREADS = env.int("MEDIA_THREADS", default=0)
# Where workers copy an original to work on it (the system's temporary folder when empty); made if missing.
MEDIA_WORK_DIR = env.str("MEDIA_WORK_DIR", default="") or None
if MEDIA_WORK_DIR:
    Path(MEDIA_WORK_DIR).mkdir(parents=True, exist_ok=True)

# --- Security ------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sessions live in the database only: Redis is a cache and a broker, never the only place of anything, so
# signed-in pages keep working while it is away (one indexed read a request).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
# A sign-in lasts until the browser closes, unless the person ticks "Stay signed in" (accounts.forms.LoginForm):
# then SIGNED_IN_DAYS, longer than a contest takes entries, so an entrant on their own phone signs in once.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SIGNED_IN_DAYS = env.int("SIGNED_IN_DAYS", default=120)
SESSION_COOKIE_AGE = SIGNED_IN_DAYS * 24 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"


def _origin(url: str | None) -> list[str]:
    if not url:
        return []
    parts = urlsplit(url if "//" in url else f"https://{url}")
    return [f"{parts.scheme}://{parts.netloc}"]


def _s3_origins() -> list[str]:
    """Where the pages' pictures and videos come from: the CDN for published files, S3 itself for signed links."""
    if not AWS_STORAGE_BUCKET_NAME:
        return []
    if AWS_S3_ENDPOINT_URL:
        endpoint = _origin(AWS_S3_ENDPOINT_URL)
    else:  # AWS itself: the bucket's own host names
        regional = f".s3.{AWS_S3_REGION_NAME}.amazonaws.com" if AWS_S3_REGION_NAME else ".s3.amazonaws.com"
        buckets = (AWS_STORAGE_BUCKET_NAME, AWS_PUBLIC_BUCKET_NAME)
        endpoint = [f"https://{bucket}{host}" for bucket in buckets for host in (regional, ".s3.amazonaws.com")]
    return list(dict.fromkeys(_origin(AWS_S3_CUSTOM_DOMAIN) + endpoint))


_media_origins = _s3_origins()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_media_origins],
        "media-src": [SELF, *_media_origins],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Logging: to stderr, never personal data -----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
