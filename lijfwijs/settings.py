"""Lijfwijs settings: one module, every deployment difference an environment variable."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


YES, NO = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    word = value.strip().lower()
    if word in YES or word in NO:
        return word in YES
    # A typo ("ture") must not quietly switch a protection off.
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}"
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


def env_secret(name: str) -> str:
    """A secret from NAME, or from the file that NAME_FILE names (a Docker secret, a systemd
    credential), without surrounding whitespace. Both set is refused: which one is meant?"""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if value and path:
        raise ImproperlyConfigured(f"{name} and {name}_FILE are both set; set only one of them.")
    if not path:
        return value
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE: cannot read {path} ({exc.strerror})") from None


DEBUG = env_bool("DEBUG", False)
VAR_DIR = Path(env_str("LIJFWIJS_VAR_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    """The secret comes from SECRET_KEY (or SECRET_KEY_FILE); in DEBUG a generated one is kept in var/."""
    key = env_secret("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see docs/deploy.md), "
            "or run with DEBUG=1 for local development."
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # /sitemap.xml (lijfwijs/learn/sitemaps.py)
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "anymail",  # the email providers' webhooks: the newsletter's bounces and complaints
    "lijfwijs.core",
    "lijfwijs.accounts",
    "lijfwijs.assessments",
    "lijfwijs.exercises",
    "lijfwijs.program",
    "lijfwijs.learn",
    "lijfwijs.diary",
    "lijfwijs.booking",
    "lijfwijs.outreach.newsletter",
    "lijfwijs.outreach.campaigns",
    "lijfwijs.outreach.events",
    "lijfwijs.outreach.leads",
    "lijfwijs.outreach.messaging",
    "lijfwijs.practice",
    "lijfwijs.exports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lijfwijs.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lijfwijs.accounts.middleware.OTPMiddleware",  # django-otp's, its device read by a statement
    "lijfwijs.accounts.middleware.SessionPolicyMiddleware",
    "lijfwijs.accounts.middleware.RequireTwoFactorMiddleware",
    "lijfwijs.core.middleware.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # after the session, the language and the user (its 400 page shows them); before any view
    "lijfwijs.core.middleware.UnstorableTextMiddleware",
    "lijfwijs.api.middleware.StrictQueryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last, as django-axes asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lijfwijs.urls"
WSGI_APPLICATION = "lijfwijs.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lijfwijs.core.context_processors.site",
                "lijfwijs.outreach.messaging.context_processors.unread",
            ],
            # {% load i18n %}: Django's tags with a quicker {% translate "literal" %}
            "libraries": {"i18n": "lijfwijs.core.i18n_tags"},
        },
    },
]
# That "i18n" replaces Django's own library of the name on purpose (the same tags and filters,
# tested against Django's in core/tests/test_i18n_tags.py); the check warns of any such shadowing.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

# Database: SQLite in var/ by default, configured for durability; PostgreSQL via DATABASE_URL.


def sqlite_database(path: Path | str, test_name: Path | str) -> dict:
    """The one SQLite configuration, for the default file and for DATABASE_URL=sqlite:///..."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the
            # busy timeout instead of failing with "database is locked" half-way.
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
            # FULL: a committed transaction survives power loss (NORMAL may lose it in WAL).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
            ),
        },
        "TEST": {"NAME": str(test_name)},
        # Keep the connection between requests: opening one runs the PRAGMAs above every time.
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
    }


SQLITE_PATH = VAR_DIR / "lijfwijs.sqlite3"
DATABASE_URL = env_secret("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(DATABASES["default"]["NAME"])
        DATABASES["default"] = sqlite_database(path, path.with_name(f"test_{path.name}"))
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(SQLITE_PATH, VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: computed data under versioned keys only (core.datacache), so a per-process local-memory
# cache is correct; Redis via REDIS_URL shares it. Rate limits are counted in Redis or the database.
REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "lijfwijs"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lijfwijs.accounts.backends.UserBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    # argon2id at OWASP's 19 MiB: a sign-in holds a sync worker ~40 ms instead of ~400 ms. Hashes
    # made with Django's parameters still verify and are rewritten at these on the next sign-in.
    "lijfwijs.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sessions live where every process sees them: the database (a per-process cache in front would keep
# a signed-out session alive in the other workers); with Redis, read through it (cached_db: the shared
# cache is dropped on logout, and the database keeps everyone signed in when Redis restarts empty).
# lijfwijs.accounts.sessions is Django's `db` engine with its read as one plain statement.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "lijfwijs.accounts.sessions"
)
# The cookie lives as long as the longest allowed session; SessionPolicyMiddleware ends sessions
# earlier by role: practitioners and staff after 30 minutes idle or 12 hours in all, clients after
# CLIENT_IDLE_SECONDS idle (default 14 days).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 30)
CLIENT_IDLE_SECONDS = env_int("CLIENT_IDLE_SECONDS", 60 * 60 * 24 * 14)
PRACTITIONER_IDLE_SECONDS = env_int("PRACTITIONER_IDLE_SECONDS", 30 * 60)
PRACTITIONER_ABSOLUTE_SECONDS = env_int("PRACTITIONER_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
if SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Reverse proxies in front of gunicorn whose X-Forwarded-For entries are believed (0: none, the
# client address is REMOTE_ADDR). Rate limits and login locks count per client address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, got {TRUSTED_PROXY_COUNT}")
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# Internationalisation: Dutch first (no URL prefix), English under /en/.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers: `2 dec. 2026` and `5,7` in Dutch (lijfwijs/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["lijfwijs.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (practice logos). Never served from here directly: a view checks who asks.
MEDIA_ROOT = Path(env_str("LIJFWIJS_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files after collectstatic in production; plain files where nothing is collected.
    "staticfiles": {
        "BACKEND": env_str(
            "STATIC_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Bodies larger than this are refused with 400 before any view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# Instruments: the built-in files plus any a practice adds (licensed scales) in this folder.
EXTRA_INSTRUMENTS_DIR = env_str("LIJFWIJS_INSTRUMENTS_DIR", str(VAR_DIR / "instruments"))

# Anonymous Pijntest submissions (pages and API) per client address and hour.
PIJNTEST_RATE_LIMIT = env_int("PIJNTEST_RATE_LIMIT", 60)
PIJNTEST_RATE_WINDOW = env_int("PIJNTEST_RATE_WINDOW", 3600)

# Account emails (registration, password reset, email change) per window: to one recipient, and
# asked for from one client address.
ACCOUNT_EMAIL_LIMIT_PER_RECIPIENT = env_int("ACCOUNT_EMAIL_LIMIT_PER_RECIPIENT", 3)
ACCOUNT_EMAIL_LIMIT_PER_ADDRESS = env_int("ACCOUNT_EMAIL_LIMIT_PER_ADDRESS", 20)
ACCOUNT_EMAIL_WINDOW = env_int("ACCOUNT_EMAIL_WINDOW", 3600)

SITE_NAME = "Lijfwijs"
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")  # absolute links in emails

# Who provides this installation: shown on the privacy statement, contact page, colofon and home
# page. The defaults are a made-up demo practice; every installation sets its own.
PROVIDER_NAME = env_str("PROVIDER_NAME", "Demopraktijk Lijfwijs (voorbeeld)")
PROVIDER_ADDRESS = env_str("PROVIDER_ADDRESS", "Voorbeeldstraat 1")
PROVIDER_POSTCODE_CITY = env_str("PROVIDER_POSTCODE_CITY", "1234 AB Voorbeeldstad")
PROVIDER_EMAIL = env_str("PROVIDER_EMAIL", "info@demopraktijk.example")
PROVIDER_PHONE = env_str("PROVIDER_PHONE", "+31 20 000 0000")
PROVIDER_KVK = env_str("PROVIDER_KVK", "00000000")
PROVIDER_WEBSITE = env_str("PROVIDER_WEBSITE", "https://demopraktijk.example")

# Brute force: lock username + address together (never the username alone, which would let anyone
# lock a person out). Failures are counted in the database, which every process shares.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "lijfwijs.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "lijfwijs.core.ratelimit.login_address"  # behind the proxies, too
AXES_VERBOSE = False
# No list of successful sign-ins (address, browser, time) is kept: only failures count, and they
# expire after the cool-off or a successful sign-in. The privacy statement says so.
AXES_DISABLE_ACCESS_LOG = True

# Two-factor authentication (TOTP) for practitioners and staff.
OTP_TOTP_ISSUER = "Lijfwijs"

# django-anymail: the email provider's webhooks (bounces, complaints) for the newsletter, and
# optionally sending through its API (EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend). The
# webhook URLs exist only when ANYMAIL_WEBHOOK_SECRET ("user:password", the HTTP basic auth the
# provider is set up with) is set; anymail refuses a webhook without one.
ANYMAIL = {
    "WEBHOOK_SECRET": env_secret("ANYMAIL_WEBHOOK_SECRET") or None,
    # the provider's own keys as anymail names them, from ANYMAIL_<NAME> (or ANYMAIL_<NAME>_FILE)
    **{
        name: env_secret(f"ANYMAIL_{name}")
        for name in (
            "POSTMARK_SERVER_TOKEN",
            "MAILGUN_API_KEY",
            "MAILGUN_WEBHOOK_SIGNING_KEY",
            "SENDGRID_API_KEY",
            "BREVO_API_KEY",
            "MAILJET_API_KEY",
            "MAILJET_SECRET_KEY",
        )
        if env_secret(f"ANYMAIL_{name}")
    },
}
# Email: printed to the console in development, SMTP otherwise.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lijfwijs <noreply@lijfwijs.local>")

# Background work: Django's Tasks API (django-tasks backport). The database backend by default
# (a task commits with the change it follows); RQ on Redis when REDIS_URL is set.
TASKS = {
    "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    if REDIS_URL
    else {"BACKEND": "django_tasks_db.DatabaseBackend"}
}
if REDIS_URL:
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # so a plain `manage.py rqworker` runs Django tasks

# Free-text health data is encrypted with these keys (MultiFernet: the first encrypts, all decrypt).
# Comma-separated Fernet keys (or FIELD_ENCRYPTION_KEYS_FILE); in DEBUG one is generated into var/.
FIELD_ENCRYPTION_KEYS = [
    key.strip() for key in env_secret("FIELD_ENCRYPTION_KEYS").split(",") if key.strip()
]


def _field_encryption_keys(keys: list[str]) -> list[str]:
    """Check the keys; without any, stop unless DEBUG, which keeps one generated key in var/."""
    from cryptography.fernet import Fernet

    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS is not set. Set it to one or more comma-separated Fernet keys "
                "(see docs/encryption.md), or run with DEBUG=1 for local development."
            )
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path = VAR_DIR / "field_encryption_key"  # losing this file loses the encrypted dev data
        if not path.exists():
            # Written aside, then linked: processes starting together all keep the first key.
            tmp = VAR_DIR / f".field_encryption_key.{os.getpid()}"
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                f.write(Fernet.generate_key())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        keys = [path.read_text().strip()]
    for position, key in enumerate(keys, 1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes); make one as docs/encryption.md shows."
            ) from None
    return keys


FIELD_ENCRYPTION_KEYS = _field_encryption_keys(FIELD_ENCRYPTION_KEYS)

# Access log (NEN 7513 style) retention.
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", 5 * 365)

# Content Security Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}
