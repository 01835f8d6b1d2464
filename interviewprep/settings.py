"""Settings for InterviewPrep.

Everything a deployment changes comes from the environment (see `.env.example`
and the README). The defaults are the embedded, single-machine ones: SQLite in
`var/`, a Celery broker on the filesystem in `var/`, a secret generated once
into `var/`. Nothing secret and no DEBUG=True lives in this file.
"""

from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from interviewprep.env import (
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_json_list,
    env_list,
    env_str,
    recordings_storage_from_env,
    secret_key_from,
    sqlite_database,
)
from interviewprep.private_files import private_dir

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INTERVIEWPREP_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = secret_key_from(VAR_DIR)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",  # first: `manage.py runserver` then serves ASGI, websockets included (make run uses uvicorn)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "channels",
    "interviewprep",
    "questions",
    "sessions.apps.InterviewSessionsConfig",
]

MIDDLEWARE = [
    # First: refuses an oversized body by its Content-Length before anything reads it.
    "interviewprep.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "interviewprep.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "interviewprep.context_processors.signed_in",
                "interviewprep.context_processors.preferences",
            ],
            "builtins": ["template_partials.templatetags.partials", "interviewprep.templatetags.markdown"],
        },
    },
]

WSGI_APPLICATION = "interviewprep.wsgi.application"
ASGI_APPLICATION = "interviewprep.asgi.application"

_database_url = env_str("DATABASE_URL")
if not _database_url and VAR_DIR.is_dir():
    private_dir(VAR_DIR)  # an install from before var/ was private is tightened (interviewprep/private_files.py)
DATABASES = {
    "default": database_from_url(_database_url, base_dir=BASE_DIR)
    if _database_url
    else sqlite_database(VAR_DIR / "db.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two caches, each shared by every process. `default` holds rendered Markdown per text version
# (interviewprep/markdown.py): losing it only costs a render. `throttle` holds the log-in, sign-up and
# autosave counters, which must be the same in every web process. With CACHE_URL both live in Redis
# (several machines); without it, rendered Markdown goes to files in var/ and the counters to a table
# in the database (`manage.py createcachetable`, which `make run` runs).
_cache_url = env_str("CACHE_URL")
if _cache_url and not _cache_url.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, got {_cache_url!r}")
if _cache_url:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url},
        "throttle": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url,
                     "KEY_PREFIX": "throttle"},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache"),
                    "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 2000, minimum=100)}},
        "throttle": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "interviewprep_throttle",
                     "OPTIONS": {"MAX_ENTRIES": 100_000}},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production sets STATIC_ROOT and runs collectstatic; without it (make run) WhiteNoise
# serves straight from static/ through the finders.
STATIC_ROOT = env_str("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
# Where the recordings storage keeps its files when RECORDINGS_STORAGE is local (the default).
RECORDINGS_DIR = env_str("RECORDINGS_DIR") or str(VAR_DIR / "recordings")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Collected files get content hashes in their names, so WhiteNoise can cache them for ever.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if STATIC_ROOT
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Recordings of calls and spoken answers (sessions/calls/): local files, or S3 with RECORDINGS_STORAGE=s3.
    # Never served straight from the storage: every byte goes out through a view that checks who is asking.
    "recordings": recordings_storage_from_env(RECORDINGS_DIR),
}

# Cookies and transport. Production turns these on through the environment.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (never trust it without one).
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict Content-Security-Policy: scripts only from our own static files, no inline
# scripts, nothing from other origins. Style elements need the per-request nonce (the
# code editor injects its styles with it); style attributes stay allowed because KaTeX
# positions math glyphs with them, and attributes cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        # The whiteboard (Excalidraw, static/vendor/excalidraw/) needs nothing more: its script is a same-origin
        # module, its fonts are local (build.sh points even its CDN fallback here), React sets styles through
        # the DOM (style-src-attr), and the features that would need blob: images or workers (image upload,
        # export, Mermaid) are switched off. tests/browser/test_whiteboard.py fails on any CSP violation.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Recordings play from blob: URLs (static/js/recordings.js fetches the whole file so it can seek).
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Celery. Without CELERY_BROKER_URL the broker is kombu's filesystem transport in
# var/, so one machine gets a real worker process with no Redis to install.
EMBEDDED_BROKER_URL = "filesystem://localhost//"  # the host part only keeps kombu from warning
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or EMBEDDED_BROKER_URL
CELERY_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # How often an idle worker lists the queue folder: kombu's default of 1 s made a run wait half a
        # second on average before the worker saw it (bench/embedded_broker.py measures both).
        "polling_interval": env_float("CELERY_BROKER_POLLING_INTERVAL", 0.02, minimum=0.001),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300, minimum=30)}
CELERY_TASK_IGNORE_RESULT = True  # results live in the database, on the Submission row
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When the broker is down, a Run must fail fast with a clear message, not hang the page.
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_CONNECTION_TIMEOUT", 2.0, minimum=0.1)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.25, "interval_max": 0.5}
SANDBOX_QUEUE = env_str("SANDBOX_QUEUE", "sandbox")
CELERY_TASK_ROUTES = {"sessions.tasks.*": {"queue": SANDBOX_QUEUE}}
# One sandbox run at a time per worker process: runs are CPU-bound and short, so
# prefetching more would park runs behind a slow one while another worker idles.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Live rounds (sessions/live/): websockets push "this round changed" to the pages that show it. The
# channel layer carries those events between processes: Redis when CHANNEL_LAYER_URL names one (or,
# without it, when the Celery broker is Redis), else the embedded layer of `make run`, which listens on
# a Unix socket in var/ for the worker's events (interviewprep/live_layer.py).
_channel_layer_url = env_str("CHANNEL_LAYER_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
if _channel_layer_url and not _channel_layer_url.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"CHANNEL_LAYER_URL must be a redis://, rediss:// or unix:// URL, got {_channel_layer_url!r}"
    )
if _channel_layer_url:
    CHANNEL_LAYERS = {"default": {
        # channels-redis's layer with a blocking read shorter than redis-py 8's 5 s socket timeout (live_layer.py).
        "BACKEND": "interviewprep.live_layer.RedisLayer",
        "CONFIG": {"hosts": [_channel_layer_url],
                   "prefix": env_str("CHANNEL_LAYER_PREFIX", "interviewprep"), "capacity": 200, "expiry": 30},
    }}
else:
    CHANNEL_LAYERS = {"default": {
        "BACKEND": "interviewprep.live_layer.EmbeddedChannelLayer",
        "CONFIG": {"socket_path": str(VAR_DIR / "live.sock"), "capacity": 200, "expiry": 30},
    }}

CELERY_BEAT_SCHEDULE = {
    "recover-submissions": {"task": "sessions.tasks.recover_submissions", "schedule": 10.0},
    "close-expired-rounds": {"task": "sessions.tasks.close_expired_rounds", "schedule": 30.0},
    "purge-old-recordings": {"task": "sessions.tasks.purge_old_recordings", "schedule": 3600.0},
}

# Limits for code runs (per test). The sandbox enforces them; these are the defaults
# and the ceilings a question may ask for.
RUN_TIME_LIMIT_S = env_float("RUN_TIME_LIMIT_S", 2.0, minimum=0.1)
RUN_MEMORY_LIMIT_MB = env_int("RUN_MEMORY_LIMIT_MB", 256, minimum=16)
RUN_MAX_TIME_LIMIT_S = env_float("RUN_MAX_TIME_LIMIT_S", 10.0, minimum=0.1)
RUN_MAX_MEMORY_LIMIT_MB = env_int("RUN_MAX_MEMORY_LIMIT_MB", 1024, minimum=16)
RUN_MAX_SOURCE_BYTES = env_int("RUN_MAX_SOURCE_BYTES", 64 * 1024, minimum=1024)
RUN_MAX_STDIN_BYTES = env_int("RUN_MAX_STDIN_BYTES", 64 * 1024, minimum=0)
# Per-user limits on code runs: how many may start a minute, and how many may wait at once.
RUN_RATE_PER_MINUTE = env_int("RUN_RATE_PER_MINUTE", 30, minimum=1)
RUN_MAX_QUEUED_PER_USER = env_int("RUN_MAX_QUEUED_PER_USER", 3, minimum=1)
# A submission still "running" after this long lost its worker; the sweep fails or re-queues it.
SUBMISSION_STALE_AFTER_S = env_int("SUBMISSION_STALE_AFTER_S", 300, minimum=10)
# Whether `load_pack` runs reference solutions through the sandbox. On by default;
# a machine without the sandbox can switch it off to load packs by structure alone.
PACK_VERIFY_REFERENCE = env_bool("PACK_VERIFY_REFERENCE", True)

# /health/ tells which part failed only to staff and to requests with this value in X-Health-Token.
HEALTH_TOKEN = env_str("HEALTH_TOKEN")
# A mentor's share link stops working this many days after it was made.
SHARE_LINK_DAYS = env_int("SHARE_LINK_DAYS", 30, minimum=1)

# Calls and recordings (sessions/calls/). ICE servers for WebRTC as JSON, the browser's RTCIceServer list,
# e.g. [{"urls": "stun:stun.example.org:3478"}, {"urls": "turn:turn.example.org:3478", "username": "u",
# "credential": "p"}]. None are needed on one machine or one LAN; across the internet a TURN server
# relays the calls that cannot connect directly (docker-compose.yml has a coturn service, profile `call`).
WEBRTC_ICE_SERVERS = env_json_list("WEBRTC_ICE_SERVERS")
# A TURN server with coturn's shared-secret credentials: each page gets a credential that expires in 12 hours
# (sessions/calls/ice.py). Both set, or neither.
WEBRTC_TURN_URLS = env_list("WEBRTC_TURN_URLS", [])
WEBRTC_TURN_SECRET = env_str("WEBRTC_TURN_SECRET")
if bool(WEBRTC_TURN_URLS) != bool(WEBRTC_TURN_SECRET):
    raise ImproperlyConfigured("WEBRTC_TURN_URLS and WEBRTC_TURN_SECRET go together: set both or neither")
# Recordings per user (bytes, all rounds together): past it, recording stops with a message.
RECORDING_QUOTA_BYTES = env_int("RECORDING_QUOTA_BYTES", 500 * 1024 * 1024, minimum=1024 * 1024)
# A chunk is 2 s of audio (about 8 KB at the recorder's 32 kbit/s); this allows 10 s at a far higher rate.
RECORDING_CHUNK_MAX_BYTES = env_int("RECORDING_CHUNK_MAX_BYTES", 512 * 1024, minimum=16 * 1024)
# Recordings longer than this stop: a forgotten recorder cannot fill the quota in one go.
RECORDING_MAX_SECONDS = env_int("RECORDING_MAX_SECONDS", 2 * 3600, minimum=60)
# Recordings older than this many days are deleted by the daily sweep (0 keeps them until their owner deletes them).
RECORDING_RETENTION_DAYS = env_int("RECORDING_RETENTION_DAYS", 180, minimum=0)

# Request sizes. Every body past MAX_REQUEST_BODY_BYTES is refused (413) from its Content-Length
# before it is read; the data import page takes a 10 MB export file, so it gets more.
# Django's own parsing limits stay at or below the cap.
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024, minimum=64 * 1024)
MAX_IMPORT_REQUEST_BODY_BYTES = env_int("MAX_IMPORT_REQUEST_BODY_BYTES", 11 * 1024 * 1024, minimum=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES  # form fields, not counting uploaded files
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # an uploaded file past this is spooled to a temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# How many proxies in front of the app append to X-Forwarded-For (0: ignore the header, use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Failed log-ins (and wrong current passwords) allowed per username and per address in a window.
LOGIN_FAILURES_PER_USERNAME = env_int("LOGIN_FAILURES_PER_USERNAME", 5, minimum=1)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1)
LOGIN_FAILURE_WINDOW_S = env_int("LOGIN_FAILURE_WINDOW_S", 15 * 60, minimum=1)
SIGNUPS_PER_ADDRESS = env_int("SIGNUPS_PER_ADDRESS", 10, minimum=1)
SIGNUP_WINDOW_S = env_int("SIGNUP_WINDOW_S", 3600, minimum=1)
# Autosaves per user: a burst, then a steady rate (the editor saves at most about 4 a second).
AUTOSAVE_RATE_PER_S = env_float("AUTOSAVE_RATE_PER_S", 10.0, minimum=0.001)
AUTOSAVE_BURST = env_int("AUTOSAVE_BURST", 30, minimum=1)
# Replay history (snapshot text) kept per round and per user; past it the answer is still saved. An hour of
# non-stop typing at 80 words a minute, saved every 0.5 s (paired) and thinned, peaks near 38 MB.
SNAPSHOT_BYTES_PER_ROUND = env_int("SNAPSHOT_BYTES_PER_ROUND", 96 * 1024 * 1024, minimum=1024)
SNAPSHOT_BYTES_PER_USER = env_int("SNAPSHOT_BYTES_PER_USER", 1024 * 1024 * 1024, minimum=1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
