"""Candor's one settings module, read from the environment.

Every value comes from an environment variable with a documented default; secrets may also come from a
file named by `<NAME>_FILE`. Bad values raise ImproperlyConfigured at start-up instead of being guessed
around. The default of every privacy setting is the protective one.
"""

import ipaddress
import os
import secrets
import tempfile
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None) -> str | None:
    """The variable `name`, or the content of the file named by `name_FILE`, or `default`."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number. `maximum` is a privacy setting's protective bound: a wiki may make the setting
    stricter, never looser (C01), so a value past it stops start-up instead of being clamped silently."""
    value = env(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from exc
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below its minimum, {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(
            f"{name}={number} is above its protective maximum, {maximum}. A wiki may make this setting "
            "stricter, never looser (privacy policy: local rules may not reduce its protections)."
        )
    return number


def env_date(name: str) -> date | None:
    value = env(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} must be a date, like 2026-11-25") from None


def env_list(name: str, default: str) -> list[str]:
    value = env(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str, default: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an IP address or network") from exc
    return networks


def env_servers(name: str) -> list[tuple[str, int]]:
    """A comma-separated list of host:port (`127.0.0.1:6081,[::1]:6081`), as (host, port) pairs."""
    servers = []
    for item in env_list(name, ""):
        parts = urlsplit("//" + item)
        try:
            port = parts.port
        except ValueError:
            port = None
        if not parts.hostname or port is None or parts.path or parts.query:
            raise ImproperlyConfigured(f"{name}: {item!r} is not host:port, such as 127.0.0.1:6081")
        servers.append((parts.hostname, port))
    return servers


# Where Candor keeps its local files (the SQLite database, the generated secret key).
DATA_DIR = Path(env("CANDOR_DATA_DIR", "var") or "var").resolve()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR (mode 0600).

    Written to a temporary file and linked into place, so that workers starting together on a fresh
    data directory all end up reading the same complete key.
    """
    configured = env("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        candidate = DATA_DIR / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(candidate, key_file)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

# Off unless asked for: a debug page shows request data (addresses, headers) to whoever sees the error.
DEBUG = env_bool("CANDOR_DEBUG", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

# Only requests arriving from these addresses may name the client in X-Forwarded-For (C33); from anywhere
# else the header is ignored, so that a client cannot pass itself off as another address. Empty by default.
CANDOR_TRUSTED_PROXIES = env_networks("CANDOR_TRUSTED_PROXIES", "")

# Cookies are marked Secure unless the site is served over plain HTTP (development on 127.0.0.1).
CANDOR_HTTPS = env_bool("CANDOR_HTTPS", True)

# Largest page text accepted, in bytes of UTF-8 (MediaWiki's default is 2 MiB as well).
CANDOR_MAX_PAGE_BYTES = env_int("CANDOR_MAX_PAGE_BYTES", 2 * 1024 * 1024, minimum=1)

# The content model of a new page: "markdown" (Candor's own) or "wikitext" (MediaWiki's). A page keeps the
# model it was made with; imported pages are wikitext (wiki/content.py, wiki/mwimport.py).
CANDOR_CONTENT_MODEL = env("CANDOR_CONTENT_MODEL", "markdown") or "markdown"
if CANDOR_CONTENT_MODEL not in {"markdown", "wikitext"}:
    raise ImproperlyConfigured(
        f"CANDOR_CONTENT_MODEL must be markdown or wikitext, not {CANDOR_CONTENT_MODEL!r}."
    )

# Who a logged-out edit is publicly attributed to (issue 18, docs/decisions.md): "ip", the 2018
# policy's default (C33: the address is published on the edit), or "temporary_account": an automatically
# created name (~2026-00001) bound to the browser by a declared cookie, the address kept private.
CANDOR_LOGGED_OUT_ATTRIBUTION = env("CANDOR_LOGGED_OUT_ATTRIBUTION", "ip") or "ip"
if CANDOR_LOGGED_OUT_ATTRIBUTION not in {"ip", "temporary_account"}:
    raise ImproperlyConfigured(
        "CANDOR_LOGGED_OUT_ATTRIBUTION must be ip or temporary_account, "
        f"not {CANDOR_LOGGED_OUT_ATTRIBUTION!r}."
    )
# A temporary account, and the cookie that binds it, last this many days from its first edit; never longer.
CANDOR_TEMPORARY_ACCOUNT_DAYS = env_int("CANDOR_TEMPORARY_ACCOUNT_DAYS", 90, minimum=1, maximum=90)


# Shorter retention windows for this wiki, e.g. "request_metadata=30,csp_reports=7" (days). The data map
# declares each window's installation maximum; a longer value stops start-up with an error (C01).
def _retention_days() -> dict[str, int]:
    windows = {}
    for item in env_list("CANDOR_RETENTION_DAYS", ""):
        key, equals, value = item.partition("=")
        if not equals or not value.strip().isdigit() or int(value) < 1:
            raise ImproperlyConfigured(
                f"CANDOR_RETENTION_DAYS: {item!r} is not name=days (days a whole number >= 1)"
            )
        windows[key.strip()] = int(value)
    return windows


CANDOR_RETENTION_DAYS = _retention_days()

# The day keys of sealed private data. Keep this directory out of the database's backups, and back it up
# separately (docs/operations.md): a database copy without it reveals nothing sealed.
CANDOR_KEY_DIR = Path(env("CANDOR_KEY_DIR", str(DATA_DIR / "keys")) or DATA_DIR / "keys")

# Background jobs (the retention purge): SQLite by default, Redis with CANDOR_JOBS=redis://host:port/db.
# Jobs run in a separate worker (`candor run_huey`); never in the request, whatever DEBUG says.
_jobs = env("CANDOR_JOBS", "sqlite") or "sqlite"
if _jobs == "sqlite":
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "candor",
        "immediate": False,
        "filename": str(DATA_DIR / "jobs.sqlite3"),
    }
elif _jobs.startswith(("redis://", "rediss://", "unix://")):
    # While Redis is away, jobs wait in a spool on this host instead of being lost (candor/jobqueue.py).
    HUEY = {
        "huey_class": "candor.jobqueue.SpoolingRedisHuey",
        "name": "candor",
        "immediate": False,
        "url": _jobs,
        "spool": str(DATA_DIR / "jobs-spool.sqlite3"),
    }
else:
    raise ImproperlyConfigured(f"CANDOR_JOBS={_jobs!r}: use sqlite or a redis:// URL")

# A privileged user's second factor (TOTP) counts for this long in a session before it is asked again.
# Bound (C01): 30 minutes at most, the default. A longer window lets whoever finds a CheckUser's unlocked
# session read addresses without the second factor; a wiki may ask for it more often, never less.
CANDOR_SECOND_FACTOR_MINUTES = env_int("CANDOR_SECOND_FACTOR_MINUTES", 30, minimum=1, maximum=30)
OTP_TOTP_ISSUER = "Candor"

# Login throttling against password guessing: this many failures within the window lock the username,
# and from one address, for the rest of the window.
CANDOR_LOGIN_FAILURES_PER_USERNAME = env_int("CANDOR_LOGIN_FAILURES_PER_USERNAME", 5, minimum=1)
CANDOR_LOGIN_FAILURES_PER_ADDRESS = env_int("CANDOR_LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1)
CANDOR_LOGIN_THROTTLE_MINUTES = env_int("CANDOR_LOGIN_THROTTLE_MINUTES", 15, minimum=1)

# Mail goes through Django's SMTP backend to a relay, by default one on this machine. A relay elsewhere is a
# service provider (C92): Candor hands it nothing until its agreement is recorded (privacy/providers.py).
# Reset and verification links are built from CANDOR_SITE_URL, never from the request's Host header, so that a
# forged Host cannot make Candor mail someone a link to another site.
EMAIL_BACKEND = "candor.privacy.providers.AgreedRelayBackend"
EMAIL_HOST = env("CANDOR_EMAIL_HOST", "127.0.0.1") or "127.0.0.1"
EMAIL_PORT = env_int("CANDOR_EMAIL_PORT", 25, minimum=1)
EMAIL_TIMEOUT = env_int("CANDOR_EMAIL_TIMEOUT", 10, minimum=1)
CANDOR_MAIL_RELAY_NAME = env("CANDOR_MAIL_RELAY_NAME", "") or ""
CANDOR_MAIL_RELAY_AGREEMENT = env_date("CANDOR_MAIL_RELAY_AGREEMENT")
DEFAULT_FROM_EMAIL = env("CANDOR_EMAIL_FROM", "candor@localhost") or "candor@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CANDOR_SITE_URL = (env("CANDOR_SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
if not CANDOR_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"CANDOR_SITE_URL={CANDOR_SITE_URL!r} must start with http:// or https://")
# A password-reset link works for an hour, and once (C102); an address-verification link for a day.
# Bounds (C01), the defaults: a reset link is a key to the account for whoever reads the mailbox, so it may
# live an hour at most; a verification link proves an address belongs to the account, and one found in a
# mailbox days later would attach an address its owner has since lost, so it may live a day at most.
PASSWORD_RESET_TIMEOUT = env_int("CANDOR_PASSWORD_RESET_SECONDS", 3600, minimum=60, maximum=3600)
CANDOR_EMAIL_VERIFICATION_HOURS = env_int("CANDOR_EMAIL_VERIFICATION_HOURS", 24, minimum=1, maximum=24)
# The privacy contact (C123): shown on the policy and contact pages and in legal notices. The default is a
# placeholder on a reserved domain, so an installation that forgets to set it mails nobody by mistake.
CANDOR_PRIVACY_CONTACT = env("CANDOR_PRIVACY_CONTACT", "privacy@example.org") or "privacy@example.org"
# Where the servers and the data are (C111), in words, e.g. "Germany (Falkenstein)": on /privacy/transparency.
CANDOR_HOSTING_LOCATION = env("CANDOR_HOSTING_LOCATION", "") or ""

# A person's request about their data (a copy, an erasure, a renaming) is due this many days after it
# arrives; staff see it flagged once overdue. Bound (C01): 28 days, the legal maximum as a number of days.
# GDPR Article 12(3) gives one month from receipt (extendable by two more for a particular complex request,
# with the person told why, which is a decision about that request, not a setting); the shortest month is
# 28 days, so 28 is the longest fixed count that is never late (30 would be, for a request of 1 February).
CANDOR_REQUEST_DUE_DAYS = env_int("CANDOR_REQUEST_DUE_DAYS", 28, minimum=1, maximum=28)
# A finished copy of a person's data can be downloaded once, by them, within this many hours; then the file
# is deleted. Bound (C01): 48 hours, the default: the archive holds everything about them, and every hour it
# waits on disk is an hour it can be taken from there.
CANDOR_EXPORT_LINK_HOURS = env_int("CANDOR_EXPORT_LINK_HOURS", 48, minimum=1, maximum=48)
# Where finished copies wait for their download. Keep it out of backups: the files are short-lived.
CANDOR_EXPORT_DIR = Path(env("CANDOR_EXPORT_DIR", str(DATA_DIR / "exports")) or DATA_DIR / "exports")
# Uploaded files, by content hash, and their thumbnails (docs/media.md); kept out of the database.
CANDOR_MEDIA_DIR = Path(env("CANDOR_MEDIA_DIR", str(DATA_DIR / "media")) or DATA_DIR / "media")
CANDOR_MAX_UPLOAD_BYTES = env_int("CANDOR_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1, maximum=2**31)
# Page views counted per page, day and country, without identities (docs/statistics.md). Off by default:
# counting needs the `candor_views` cookie, which bounds each browser's share, and with counting off reading
# sets no cookie at all. A reader who refuses the cookie is not counted either way.
CANDOR_STATS_COUNT_PAGE_VIEWS = env_bool("CANDOR_STATS_COUNT_PAGE_VIEWS", False)
# What all the differentially private releases of one period may spend, per dataset (zero-concentrated DP,
# rho): a day of page views, a month of editors. The default lets two releases of Wikimedia's rho = 0.015
# (by page, and by country and page) spend a day; a release that would exceed it is refused.
CANDOR_STATS_BUDGETS = {"pageviews": 0.03, "geoeditors": 0.03}
# The engine that computes a release: opendp (in-process, the default) or spark (Tumult Analytics on
# Spark: the optional extra candor[spark] and a Java runtime; docs/statistics.md section 5).
# `candor stats_release --engine` chooses per release, and each release records the engine that computed it.
CANDOR_STATS_ENGINE = env("CANDOR_STATS_ENGINE", "opendp") or "opendp"
if CANDOR_STATS_ENGINE not in {"opendp", "spark"}:
    raise ImproperlyConfigured(f"CANDOR_STATS_ENGINE={CANDOR_STATS_ENGINE!r}: use opendp or spark")
# The spark engine's master: local[*] (this machine, every port on 127.0.0.1) or a cluster's
# (spark://host:7077, yarn, k8s://...), whose network settings come from the cluster's Spark configuration.
CANDOR_STATS_SPARK_MASTER = env("CANDOR_STATS_SPARK_MASTER", "local[*]") or "local[*]"
# How long a shared front cache (Varnish) may keep an anonymous page view, history, old revision, diff or
# raw text. Edits purge what they change (below); this bounds a purge that was lost, and every URL a purge
# does not name, so it is how long a change (or an erasure) may take to show through the cache at worst.
CANDOR_FRONT_CACHE_SECONDS = env_int("CANDOR_FRONT_CACHE_SECONDS", 60, minimum=0, maximum=3600)
# The front caches an edit, a deletion or a renaming purges its URLs from, with HTTP PURGE from the job
# worker, as host:port (MediaWiki's $wgCdnServers; deploy/varnish.vcl accepts PURGE from loopback only).
# Empty, the default: no cache to purge.
CANDOR_CDN_SERVERS = env_servers("CANDOR_CDN_SERVERS")


INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "candor.privacy",
    "candor.publiclog",
    "candor.accounts",
    "candor.wiki",
    "candor.media",
    "candor.governance",
    "candor.notify",
    "candor.yourdata",
    "candor.stats",
    "candor.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "candor.privacy.middleware.FirstPartyOnlyMiddleware",  # outside everything that sets a cookie
    "candor.wiki.caching.FrontCacheMiddleware",  # sees every cookie set inside it (issue 19)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "candor.dbrouting.ReplicaReadsMiddleware",  # only with DATABASE_REPLICA_URL; before any database read
    "candor.privacy.middleware.RequestMetaMiddleware",
    "candor.stats.middleware.PageViewCountingMiddleware",  # sets its cookie only if counting is on
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "candor.accounts.middleware.LanguageMiddleware",  # account preference, cookie, Accept-Language (C51, C57)
    "candor.accounts.middleware.TimeZoneMiddleware",
    "candor.accounts.temporary.TemporaryAccountCookieMiddleware",  # only after a temporary account's edit
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "candor.urls"
WSGI_APPLICATION = "candor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "candor.governance.context_processors.site_notices",
            ],
        },
    },
]

# SQLite by default (a file in DATA_DIR); PostgreSQL or another server through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'candor.sqlite3'}", conn_max_age=600
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock when a transaction
        # starts, so two saves queue on busy_timeout instead of failing halfway with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    # A kept connection is checked before each request's first query: after a database restart every worker
    # reconnects by itself, and no reader gets an error for a connection that died in between (issue 20 §2).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Test databases are named for the process, so that test runs side by side never share one. On SQLite it
# is a file, not memory: the threads of the concurrency tests must share it through separate connections.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _test_name = str(Path(tempfile.gettempdir()) / f"candor-test-{os.getpid()}.sqlite3")
else:
    _test_name = f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
DATABASES["default"]["TEST"] = {"NAME": _test_name}

# A streaming replica of a PostgreSQL primary (docs/operations.md, "More than one machine"): empty by
# default, one database. When set, reads that may be a moment stale go to it (candor/dbrouting.py): page
# views, histories, searches of clients that did not just write; everything else stays on the primary.
_replica_url = env("DATABASE_REPLICA_URL", "") or ""
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=600)
    if not (
        DATABASES["default"]["ENGINE"] == DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql"
    ):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL, for it and for DATABASE_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests see one database under both names
    DATABASE_ROUTERS = ["candor.dbrouting.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login"
LOGIN_REDIRECT_URL = "/"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CANDOR_HTTPS
CSRF_COOKIE_SECURE = CANDOR_HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS only (C100): plain HTTP is redirected, and browsers are told to use HTTPS for a year (HSTS). Behind
# a TLS-terminating proxy (CANDOR_TRUSTED_PROXIES set), the proxy's X-Forwarded-Proto says the scheme; the
# application server must then be reachable only through that proxy.
SECURE_SSL_REDIRECT = CANDOR_HTTPS
SECURE_HSTS_SECONDS = int(timedelta(days=365).total_seconds()) if CANDOR_HTTPS else 0
# The wiki's subdomains too, and the preload directive, so that `check --deploy` is clean (issue 20 §3). HSTS
# covers the host that sends it and the hosts under it: for wiki.example.org, only the wiki's own. An
# operator serving Candor at a domain's apex with plain-HTTP sites beneath it must move those to HTTPS first.
SECURE_HSTS_INCLUDE_SUBDOMAINS = CANDOR_HTTPS
SECURE_HSTS_PRELOAD = CANDOR_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CANDOR_TRUSTED_PROXIES else None
X_FRAME_OPTIONS = "DENY"
# A form posted without its cookie says that logging in needs cookies, instead of a bare 403 (C62).
CSRF_FAILURE_VIEW = "candor.accounts.views.csrf_failure"

# Every handler masks addresses, emails and query strings, whatever logged them (privacy/log_redaction.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "candor.privacy.log_redaction.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("CANDOR_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

LANGUAGE_CODE = "en"
# The interface's languages (docs/translating.md). Chosen by the account's preference, else the footer
# picker's cookie (declared in privacy/cookies.py), else Accept-Language, else LANGUAGE_CODE (C51, C57).
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("ar", "العربية"),
]
LANGUAGE_COOKIE_NAME = "candor_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The project-wide templates' catalogue (src/candor/locale); each app's own is found in its locale/ dir.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Served straight from the package by WhiteNoise: one stylesheet, no collectstatic step to forget.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

# A page at the size limit must reach the edit action, which refuses it with a clear message and gives the
# text back, rather than fail as an unreadable request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * CANDOR_MAX_PAGE_BYTES + 256 * 1024
