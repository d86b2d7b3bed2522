"""Settings for 고객센터.

Every knob is read from the environment (see README.md, "Configuration") with a default that is safe
for a laptop: debug off unless asked for, a SQLite file beside manage.py, mail printed to the console.
"""

from __future__ import annotations

import importlib.util
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def _env(name: str, *old_names: str) -> str:
    """The variable's value, or the first old name still set (read for one release after a rename)."""
    for candidate in (name, *old_names):
        value = os.environ.get(candidate, "").strip()
        if value:
            return value
    return ""


def envbool(name: str, default: bool = False, *old_names: str) -> bool:
    # A typo must stop the server: read as False, SECURE_SSL_REDIRECT=ture would silently drop HTTPS.
    value = _env(name, *old_names)
    if not value:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is neither on nor off: use one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
    )


def envint(name: str, default: int, *old_names: str) -> int:
    value = _env(name, *old_names)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def object_storage(url: str) -> dict:
    """The STORAGES entry for MEDIA_STORAGE_URL, e.g. s3://bucket/prefix?region=ap-northeast-2.

    Only S3 and S3-compatible services (endpoint=…) are understood; anything else stops the server,
    for a misspelt URL must not quietly leave uploads on one machine's disk behind a load balancer.
    Credentials come from the usual AWS variables or the instance role, never from the URL, so
    they do not end up in process listings and logs.
    """
    parsed = urlsplit(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ImproperlyConfigured(f"MEDIA_STORAGE_URL={url!r}: use s3://bucket[/prefix][?region=…&endpoint=…].")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    unknown = set(query) - {"region", "endpoint"}
    if unknown:
        raise ImproperlyConfigured(f"MEDIA_STORAGE_URL: unknown option(s) {', '.join(sorted(unknown))}.")
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured("MEDIA_STORAGE_URL needs django-storages: pip install 'helpcenter[s3]'.")
    options = {
        "bucket_name": parsed.netloc,
        "location": parsed.path.strip("/"),
        # Private objects: attachments are only ever served by the views that check who asks.
        "default_acl": "private",
        "querystring_auth": True,
        # Two customers uploading "receipt.png" must get two files, never one over the other.
        "file_overwrite": False,
    }
    if query.get("region"):
        options["region_name"] = query["region"]
    if query.get("endpoint"):
        options["endpoint_url"] = query["endpoint"]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "Set DJANGO_DEBUG=1 for a local run, or export a long random SECRET_KEY for production."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

# Old keys still accepted when checking signatures, so rotating SECRET_KEY keeps sent links working.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First, so that `manage.py runserver` is Daphne's: one process serves pages and WebSockets.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "simple_history",
    "helpcenter",
    "outbox",
    "accounts",
    "faq",
    "tickets",
    "refunds",
    "channels",
    "chat",
    "console",
]

MIDDLEWARE = [
    # /healthz and /readyz, before the host check, the HTTPS redirect, sessions and locale (health.py).
    "helpcenter.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the cache, before sessions, locale, CSRF and the rest (helpcenter/pagecache.py).
    "helpcenter.pagecache.SharedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "helpcenter.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change, for the history rows of tickets, claims, articles, rules and canned replies.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpcenter.urls"

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
                "helpcenter.context_processors.languages",
                "helpcenter.context_processors.page_version",
                "faq.context_processors.contact_channels",
                "chat.context_processors.chat_widget",
            ],
        },
    },
]

WSGI_APPLICATION = "helpcenter.wsgi.application"
ASGI_APPLICATION = "helpcenter.asgi.application"

# Live chat. The channel layer only carries notifications ("chat 12 has a new message"); chats and
# their messages are in the database. In memory it reaches one process only; with REDIS_URL set,
# several server processes (on several machines) carry one conversation.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Notices one socket may have waiting before the layer drops new ones (channels' default is 100):
# an agent hears every message of their chats twice (the chat and their own signal group), and a
# busy server fell behind by more than 100 at 500 chats (bench/chat.py).
CHAT_LAYER_CAPACITY = 1000
if REDIS_URL:
    # chat.layers: channels-redis that keeps its sockets through a Redis restart. CHAT_LAYER_PREFIX
    # keeps apart the sites (or test runs) that share one Redis. redis-py's default read timeout
    # (5 s) is the time channels-redis blocks waiting for a message (BZPOPMIN, 5 s): every idle
    # socket's wait timed out. A longer read timeout, a short connect timeout so that a Redis that
    # is gone is known at once, and one retry on a broken connection: after a Redis restart each
    # pooled connection fails once before it reconnects, and a message would go unannounced.
    from redis.exceptions import ConnectionError as RedisConnectionError

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "chat.layers.ResilientRedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 15,
                        "socket_connect_timeout": 2,
                        "retry_on_error": [RedisConnectionError],
                    }
                ],
                "prefix": os.environ.get("CHAT_LAYER_PREFIX", "helpcenter"),
                "capacity": CHAT_LAYER_CAPACITY,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "chat.layers.InMemoryChatLayer", "CONFIG": {"capacity": CHAT_LAYER_CAPACITY}}
    }

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite behind a web server with a mail worker beside it: WAL lets readers carry on while one
    # process writes; the busy timeout turns a writer waiting for another into a wait, not an error;
    # and IMMEDIATE transactions take the write lock when they begin. With SQLite's default
    # (DEFERRED) a transaction that read first and then writes cannot wait for the lock: it fails at
    # once with "database is locked", whatever the timeout (9 of 24 simultaneous claims were 500s).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
    if envbool("DATABASE_POOL", True):
        # Opening a SQLite connection costs ~2 ms (SQLite reads the whole schema), more than a cached
        # page, and under ASGI every request runs in a new thread, so Django's per-thread persistent
        # connections keep nothing. The pool keeps them per process and lends one per request
        # (helpcenter/pooled_sqlite), as psycopg's pool does for PostgreSQL below.
        DATABASES["default"]["ENGINE"] = "helpcenter.pooled_sqlite"
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool_size"] = envint("DATABASE_POOL_MAX_SIZE", 10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A page asks for fifty rows. For such a LIMIT over a million tickets PostgreSQL may plan a
    # parallel walk, whose workers each read their share of the index to fill their queues before
    # the leader stops them: the newest 50 tickets matching two words read 47,171 documents in
    # 775 ms against 2,756 in 41 ms serially (bench/README.md). With a few cores serving many
    # requests at once, one core per query is the better bargain.
    PARALLEL_WORKERS = envint("DATABASE_PARALLEL_WORKERS", 0)
    if PARALLEL_WORKERS < 0:
        raise ImproperlyConfigured(f"DATABASE_PARALLEL_WORKERS={PARALLEL_WORKERS} must be 0 or more.")
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c max_parallel_workers_per_gather={PARALLEL_WORKERS}".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DATABASE_POOL", True):
    # Under ASGI each request's sync code may run in a different thread, and Django's persistent
    # connections are per thread: without a pool nearly every request opened a new PostgreSQL
    # connection (a server process forked, authentication), more than a cached page's whole cost.
    # psycopg's pool lends a connection per request and takes it back when the request ends.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": envint("DATABASE_POOL_MIN_SIZE", 2),
        "max_size": envint("DATABASE_POOL_MAX_SIZE", 10),
        "timeout": envint("DATABASE_POOL_TIMEOUT", 10),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds search synonyms and counts and the per-IP form limits. The default lives in each
# process; with several server processes set CACHE_URL to a shared one: "db://" (run
# `manage.py createcachetable`) or "redis://host:6379/0".
CACHE_URL = os.environ.get("CACHE_URL") or "locmem://"
if CACHE_URL.startswith("db://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "helpcenter_cache"}}
elif CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "helpcenter"}}

# Public pages (home, FAQ, search) shared by anonymous visitors, from the cache above, until an edit
# (helpcenter/pagecache.py) or at most this many seconds; with the clock-dependent parts of a page
# (is chat open?) named by the functions listed here.
HELPCENTER_PAGE_CACHE_SECONDS = envint("HELPCENTER_PAGE_CACHE_SECONDS", 300)
HELPCENTER_PAGE_VARIANTS = ["chat.hours.page_variant"]
# Article views are written to the database in batches, at most this many seconds apart (batching.py).
HELPCENTER_COUNTS_FLUSH_SECONDS = envint("HELPCENTER_COUNTS_FLUSH_SECONDS", 5)

# Staff log-in. django-axes refuses a log-in after HELPCENTER_LOGIN_FAILURE_LIMIT wrong passwords for
# one user name from one address (so a stranger cannot lock a colleague out everywhere), for
# HELPCENTER_LOGIN_COOLOFF_MINUTES; failures are counted in the database, shared by every server.
# Addresses are read as the public forms' rate limit reads them (REMOTE_ADDR, set by the proxy).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = envint("HELPCENTER_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("HELPCENTER_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "helpcenter.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every management command
# Two-factor (django-otp, TOTP with recovery codes): required for superusers and these groups,
# open to every other member of staff.
HELPCENTER_TWO_FACTOR_ENFORCED = True
HELPCENTER_TWO_FACTOR_GROUPS = envlist("HELPCENTER_TWO_FACTOR_GROUPS", "Refund reviewers,Finance,Supervisors")
OTP_TOTP_ISSUER = os.environ.get("HELPCENTER_TOTP_ISSUER") or "고객센터"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Korean first, English second.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE") or "Asia/Seoul"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")

# Uploads go to MEDIA_ROOT, or to object storage when MEDIA_STORAGE_URL is set (docs/deploy.md):
# with several app servers every one of them must see the same files.
MEDIA_STORAGE_URL = os.environ.get("MEDIA_STORAGE_URL", "").strip()
STORAGES = {
    "default": object_storage(MEDIA_STORAGE_URL)
    if MEDIA_STORAGE_URL
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production; the plain storage when debugging so that a fresh
    # checkout works before collectstatic has ever run.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "고객센터 <help@example.com>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Where `make run` serves (HOST, PORT); SITE_URL follows them unless it is set, so the links in
# e-mail point at the server that sent them. A wildcard address is reached through localhost.
HOST = os.environ.get("HOST") or "127.0.0.1"
PORT = envint("PORT", 8000)
_LINK_HOST = "localhost" if HOST in {"0.0.0.0", "::", "[::]"} else (f"[{HOST}]" if ":" in HOST else HOST)
# The address the site is reached at, for links in e-mail and in sitemaps behind a proxy.
SITE_URL = (os.environ.get("SITE_URL") or f"http://{_LINK_HOST}:{PORT}").rstrip("/")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers, sent with debug on too so that a page which breaks them breaks on a laptop first.
# Cookies: no script reads any of them (forms carry the CSRF token in a hidden field), so all are HttpOnly.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)

# Content Security Policy (django-csp: Django 5.2 has none of its own; 6.0 will). Scripts, styles,
# images and fonts come from this site only and nothing inline runs: every script is a static file,
# every style a class. Uploaded images are shown by the admin from its own URLs; the Bootstrap
# icons and the admin's SVGs are data: or same-origin. A template that truly needs an inline block
# marks it with nonce="{{ request.csp_nonce }}", which adds that request's nonce to the header.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, CSP_NONCE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Private links' tokens are cut out of every line (helpcenter.logredact).
    "filters": {"private_links": {"()": "helpcenter.logredact.RedactPrivateLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["private_links"]}},
    "root": {"handlers": ["console"], "level": (os.environ.get("LOG_LEVEL") or "INFO")},
}

# Shared by every public form and private link of the help center. The TICKETS_… names they had
# before are still read, for one release.
HELPCENTER_LINK_MAX_AGE_DAYS = envint("HELPCENTER_LINK_MAX_AGE_DAYS", 180, "TICKETS_LINK_MAX_AGE_DAYS")
# Public forms: submissions allowed per hour, per e-mail address and per IP address.
HELPCENTER_RATE_PER_ADDRESS = envint("HELPCENTER_RATE_PER_ADDRESS", 5, "TICKETS_RATE_PER_ADDRESS")
HELPCENTER_RATE_PER_IP = envint("HELPCENTER_RATE_PER_IP", 20, "TICKETS_RATE_PER_IP")
HELPCENTER_MAX_ATTACHMENTS = envint("HELPCENTER_MAX_ATTACHMENTS", 5, "TICKETS_MAX_ATTACHMENTS")
HELPCENTER_MAX_ATTACHMENT_BYTES = envint(
    "HELPCENTER_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024, "TICKETS_MAX_ATTACHMENT_BYTES"
)
# A request body may carry every allowed file plus the form around them, and no more: a larger one
# is refused (413) before any of it is read or stored.
HELPCENTER_MAX_REQUEST_BYTES = HELPCENTER_MAX_ATTACHMENTS * HELPCENTER_MAX_ATTACHMENT_BYTES + 1024 * 1024
# The form fields without the files (Django's own limit, answered with the 400 page).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
# Room to tell a customer "at most 5 files" for a few too many; a flood is refused outright (400).
DATA_UPLOAD_MAX_NUMBER_FILES = 4 * HELPCENTER_MAX_ATTACHMENTS
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440

# How many search results a page shows, and how many ranked hits a query keeps at most.
FAQ_SEARCH_PAGE_SIZE = envint("FAQ_SEARCH_PAGE_SIZE", 10)
FAQ_SEARCH_MAX_HITS = envint("FAQ_SEARCH_MAX_HITS", 200)

# The business calendar (helpcenter/businesstime.py): opening hours on business days (ISO weekday
# numbers, 1 = Monday), public holidays of one country off.
HELPCENTER_OPENING_HOURS = os.environ.get("HELPCENTER_OPENING_HOURS") or "09:00-18:00"
HELPCENTER_BUSINESS_DAYS = os.environ.get("HELPCENTER_BUSINESS_DAYS") or "1-5"
HELPCENTER_HOLIDAY_COUNTRY = os.environ.get("HELPCENTER_HOLIDAY_COUNTRY") or "KR"

# Tickets.
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL") or "help@example.com"
# Business hours (HELPCENTER_OPENING_HOURS on business days) to first response and to resolution,
# by priority. With 09:00-18:00 a business day is 9 hours: "normal" is answered within one business
# day, as the contact page promises, and resolved within three.
TICKETS_SLA_HOURS = {"urgent": (1, 9), "high": (4, 18), "normal": (9, 27), "low": (18, 45)}
TICKETS_AUTOCLOSE_DAYS = envint("TICKETS_AUTOCLOSE_DAYS", 7)
# Bulk actions over "select all" (helpcenter/admin_actions.py): a merge is one customer's duplicates,
# an export a few seconds of work; a larger selection is refused with a message to narrow it.
TICKETS_MERGE_LIMIT = envint("TICKETS_MERGE_LIMIT", 20)
HELPCENTER_CSV_EXPORT_ROWS = envint("HELPCENTER_CSV_EXPORT_ROWS", 5000)
HELPCENTER_BULK_CHANGE_ROWS = envint("HELPCENTER_BULK_CHANGE_ROWS", 1000)  # status, priority, assignment, new links
# Automatic acknowledgements to one address per hour (mail-loop safety, RFC 3834).
TICKETS_ACKS_PER_ADDRESS = envint("TICKETS_ACKS_PER_ADDRESS", 3)
MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 8)
IMAP_HOST = os.environ.get("IMAP_HOST", "")
IMAP_PORT = envint("IMAP_PORT", 993)
IMAP_USER = os.environ.get("IMAP_USER", "")
IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
IMAP_SSL = envbool("IMAP_SSL", True)
IMAP_MAILBOX = os.environ.get("IMAP_MAILBOX") or "INBOX"

# `manage.py serve` (make serve): uvicorn worker processes, the proxies whose X-Forwarded-For and
# X-Forwarded-Proto are believed, and the seconds each part gets to finish when stopped.
HELPCENTER_SERVE_WORKERS = envint("HELPCENTER_SERVE_WORKERS", min(8, (os.cpu_count() or 1) + 1))
HELPCENTER_FORWARDED_ALLOW_IPS = os.environ.get("HELPCENTER_FORWARDED_ALLOW_IPS") or "127.0.0.1"
HELPCENTER_SERVE_GRACE = envint("HELPCENTER_SERVE_GRACE", 20)

# Retention (manage.py purge_expired_data, daily). Korean e-commerce law keeps consumer complaint
# records three years; files are needed while a case is open, not for years after.
HELPCENTER_RETENTION_ATTACHMENT_DAYS = envint("HELPCENTER_RETENTION_ATTACHMENT_DAYS", 365)
HELPCENTER_RETENTION_CLOSED_TICKET_DAYS = envint("HELPCENTER_RETENTION_CLOSED_TICKET_DAYS", 3 * 365)

# Refunds.
REFUNDS_OVERDUE_DAYS = envint("REFUNDS_OVERDUE_DAYS", 3)  # days in one state before a claim stands out
REFUNDS_REMINDER_DAYS = envint("REFUNDS_REMINDER_DAYS", 3)  # remind a customer who has not answered
REFUNDS_NO_ANSWER_DAYS = envint("REFUNDS_NO_ANSWER_DAYS", 10)  # then deny with the reason "no answer"

# Live chat.
CHAT_MAX_MESSAGE_CHARS = envint("CHAT_MAX_MESSAGE_CHARS", 2000)  # longer messages are refused, not cut
CHAT_MESSAGES_PER_MINUTE = envint("CHAT_MESSAGES_PER_MINUTE", 30)  # per connection: typing floods are refused
CHAT_DEFAULT_CAPACITY = envint("CHAT_DEFAULT_CAPACITY", 3)  # chats an agent takes at once, until they change it
CHAT_FIRST_RESPONSE_MINUTES = envint("CHAT_FIRST_RESPONSE_MINUTES", 1)  # SLA of a chat ticket's first answer
CHAT_MINUTES_PER_CHAT = envint("CHAT_MINUTES_PER_CHAT", 4)  # for the expected wait shown to customers
# Posts of files a chat customer may make per hour, per IP address and per the chat's e-mail address
# (helpcenter.ratelimit, counted apart from the forms): enough for a conversation about a receipt or
# a screen, not for filling the disk.
CHAT_FILES_PER_HOUR = envint("CHAT_FILES_PER_HOUR", 10)

# History of changes (django-simple-history). Reverting from the history page would write a ticket
# or claim back without its rules (a claim's transitions, a ticket's mail): the page is read-only.
SIMPLE_HISTORY_REVERT_DISABLED = True
