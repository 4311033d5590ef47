"""Django settings for Los.

Everything that differs between machines is read from the environment (twelve-factor style):

- ``LOS_ENVIRONMENT``: ``development`` (default), ``test`` or ``production``.
- ``DATABASE_URL``: e.g. ``postgres://los:secret@127.0.0.1:5432/los``; SQLite in ``var/`` by default.
- ``SECRET_KEY``: required in production.
- ``LOS_AUDIT_KEY`` (and ``LOS_AUDIT_OLD_KEYS``): the audit chain's key, required in production;
  ``LOS_AUDIT_ANCHOR_FILE``: where ``manage.py audit_anchor`` appends the heads of the audit chains.
- ``ALLOWED_HOSTS``: comma separated, required in production.
- ``IDPORTEN_*`` and ``STAFF_OIDC_*``: log-in through OpenID Connect, families through ID-porten and staff
  through the municipality's identity provider (see ``oidc_provider`` below). Without them the local
  user-name-and-password log-in is the only one.
- ``EMAIL_URL``-style settings: ``EMAIL_HOST``, ``EMAIL_PORT``, ``DEFAULT_FROM_EMAIL``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LOS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The project's shared notes beside the repository (../shared: the domain, the navigator's contract). The product
# never reads it; tests compare the repository's copies with it when it is there. Use los.core.paths.shared_path.
LOS_SHARED_DIR = Path(os.environ.get("LOS_SHARED_DIR", BASE_DIR.parent / "shared"))
(VAR_DIR / "static").mkdir(exist_ok=True)

ENVIRONMENT = os.environ.get("LOS_ENVIRONMENT", "development")
PRODUCTION = ENVIRONMENT == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


if PRODUCTION:
    if not os.environ.get("SECRET_KEY"):
        raise ImproperlyConfigured("Set SECRET_KEY in the environment: it is required when LOS_ENVIRONMENT=production.")
    SECRET_KEY = os.environ["SECRET_KEY"]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "los-development-only-not-a-secret-" + "x" * 32)

# Off everywhere unless asked for (DEBUG=1 on a developer's own machine): with it on, Django's technical 404 and
# 500 pages show settings, code and queries, and tell "no such family" apart from "not yours". The demo runs with
# it off, with the product's own error pages (los.core.views) and static files served by WhiteNoise.
DEBUG = env_bool("DEBUG", False)
#: The redaction step (los.access.disclosure) raises instead of withholding when a page or export reads family data
#: the person may not see: on in the tests, so that such a read fails its test; elsewhere it withholds and logs.
LOS_DISCLOSURE_STRICT = env_bool("LOS_DISCLOSURE_STRICT", ENVIRONMENT == "test")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "django_tasks_db",
    "los.core",
    "los.accounts",
    "los.families",
    "los.access",
    "los.referrals",
    "los.plans",
    "los.meetings",
    "los.servicemap",
    "los.carediary",
    "los.navigator",
    "los.portal",
    "los.stats",
    "ninja",  # only for its static files: the local Swagger UI of /api/docs
    "los.api",
    "los.ops",
    "los.transitions",
    "los.workday",
    "los.survey",
    "los.archive",
]

MIDDLEWARE = [
    # Outermost, so that its time covers every other middleware; removes itself unless LOS_SERVER_TIMING=1.
    "los.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "los.access.middleware.PolicyFactsMiddleware",
    "los.access.middleware.DisclosureMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "los.accounts.middleware.StaffSecondFactorMiddleware",
    "los.accounts.middleware.PrivatePagesNoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "los.access.templating.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "los.core.context_processors.los",
            ],
            # dates for people, with the year, in the page's language: {{ value|los_date }} (los.core.dates)
            "builtins": ["los.core.templatetags.los_dates"],
        },
    },
]

# Form widgets are rendered with Jinja2 (Django's own widget templates for it): the same HTML as the
# Django template engine, at a fraction of the cost on pages with many fields and options (issue 13); the
# admin's widget templates, which exist only for the Django engine, are rendered by it.
FORM_RENDERER = "los.core.renderers.FormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'los.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("DB_JIT", False):
    # PostgreSQL's JIT compiler starts on queries whose estimated cost is high, such as the statistics'
    # aggregates over a municipality's families: compiling took 45 of 55 ms for a query that runs in 8 ms
    # (docs/benchmarks.md). Los's queries are short; JIT is off for its connections unless DB_JIT=1.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Log-in through OpenID Connect (los.accounts.oidc, docs/login.md): families through ID-porten, staff
# through the municipality's identity provider. Each provider is configured when its client id is set; the
# local provider of the demo and tests (idp/server.mjs) is configured the same way.
def oidc_provider(prefix: str, *, scopes: str, identity_claim: str, acr_values: str = "",
                  second_factor_amr: str = "") -> dict | None:
    if not os.environ.get(f"{prefix}_CLIENT_ID"):
        return None
    required = ("ISSUER", "AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT", "JWKS_ENDPOINT")
    missing = [f"{prefix}_{name}" for name in required if not os.environ.get(f"{prefix}_{name}")]
    if missing:
        raise ImproperlyConfigured(f"{prefix}_CLIENT_ID is set, so set {', '.join(missing)} too.")
    return {
        "OIDC_RP_CLIENT_ID": os.environ[f"{prefix}_CLIENT_ID"],
        "OIDC_RP_CLIENT_SECRET": os.environ.get(f"{prefix}_CLIENT_SECRET", ""),
        "OIDC_OP_ISSUER": os.environ[f"{prefix}_ISSUER"],
        "OIDC_OP_AUTHORIZATION_ENDPOINT": os.environ[f"{prefix}_AUTHORIZATION_ENDPOINT"],
        "OIDC_OP_TOKEN_ENDPOINT": os.environ[f"{prefix}_TOKEN_ENDPOINT"],
        "OIDC_OP_USER_ENDPOINT": os.environ.get(f"{prefix}_USERINFO_ENDPOINT", ""),
        "OIDC_OP_JWKS_ENDPOINT": os.environ[f"{prefix}_JWKS_ENDPOINT"],
        "OIDC_RP_SCOPES": os.environ.get(f"{prefix}_SCOPES", scopes),
        "LOS_IDENTITY_CLAIM": os.environ.get(f"{prefix}_IDENTITY_CLAIM", identity_claim),
        # the level of assurance asked for; a log-in whose `acr` is not this or a higher one is refused
        "LOS_ACR_VALUES": os.environ.get(f"{prefix}_ACR_VALUES", acr_values),
        # an `amr` value that shows the provider checked a second factor (staff then need no TOTP in Los)
        "LOS_SECOND_FACTOR_AMR": os.environ.get(f"{prefix}_SECOND_FACTOR_AMR", second_factor_amr),
    }


LOS_OIDC_PROVIDERS = {
    "family": oidc_provider("IDPORTEN", scopes="openid profile", identity_claim="pid",
                            acr_values="idporten-loa-substantial"),
    "staff": oidc_provider("STAFF_OIDC", scopes="openid profile", identity_claim="preferred_username",
                           second_factor_amr="mfa"),
}
#: The levels of assurance in ascending order; a configured level accepts itself and those after it.
LOS_ACR_ORDER = env_list("LOS_ACR_ORDER", "idporten-loa-low,idporten-loa-substantial,idporten-loa-high")
#: The user-name-and-password form. On unless the staff provider is configured (then off in production unless
#: turned on); the demo turns it on beside both providers. Families never log in with a password while
#: ID-porten is configured (los.accounts.forms.LoginForm).
LOS_PASSWORD_LOGIN = env_bool("LOS_PASSWORD_LOGIN", LOS_OIDC_PROVIDERS["staff"] is None or not PRODUCTION)
OIDC_RP_SIGN_ALGO = "RS256"  # ID-porten signs with RS256 only
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
AUTHENTICATION_BACKENDS += ["los.accounts.oidc.FamilyOIDCBackend", "los.accounts.oidc.StaffOIDCBackend"]

# Failed log-ins (docs/security.md, "Log-in throttling"): lock the pair of user name and address after 5 failures
# for 30 minutes (django-axes). Never the user name alone: anyone could lock a person out by typing her user name.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ... and slow every address down per user name (los.accounts.throttle): after this many failures in an hour, each
# attempt waits 2, 4, 8 … seconds (at most the maximum) after the last failure; a browser where the person has
# logged in before is not slowed down.
LOS_LOGIN_SLOWDOWN_AFTER = int(os.environ.get("LOS_LOGIN_SLOWDOWN_AFTER", "10"))
LOS_LOGIN_SLOWDOWN_MAX_SECONDS = int(os.environ.get("LOS_LOGIN_SLOWDOWN_MAX_SECONDS", "60"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sessions end after 30 minutes without activity (Normen: automatic log-out).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOS_REQUIRE_STAFF_OTP = env_bool("LOS_REQUIRE_STAFF_OTP", PRODUCTION)

# Security headers. CSP allows no inline script at all.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
# A refused form (an expired or missing CSRF token) gets the product's own 403 page, not Django's.
CSRF_FAILURE_VIEW = "los.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", PRODUCTION) else None
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True

# Languages: bokmål, nynorsk and English (språklova), bokmål by default.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("nn", _("Norwegian Nynorsk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "los_language"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded documents live outside the web root and are only served through the access policy.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(VAR_DIR / "uploads"), "base_url": None}},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# WhiteNoise serves the static files (DEBUG is off, so runserver does not): from STATIC_ROOT after collectstatic in
# production, straight from the apps' static folders elsewhere, so that the demo needs no collectstatic. Outside
# production each file is looked up when it is asked for (autorefresh), instead of every static folder being read
# each time the middleware starts (a quarter of a second for every test client).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
LOS_MAX_UPLOAD_BYTES = int(os.environ.get("LOS_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))

# Background work: Django's tasks framework with the database backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": {"host": os.environ.get("EMAIL_HOST", "localhost"), "port": int(os.environ.get("EMAIL_PORT", "25"))}
        if PRODUCTION else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Los <ikke-svar@los.example>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Los-specific
LOS_SITE_NAME = "Los"
# `Server-Timing: app;dur=…, db;dur=…;desc="<n> queries"` on every response, for bench/pages.py. Off by default:
# it tells the world how long the database took.
LOS_SERVER_TIMING = env_bool("LOS_SERVER_TIMING", False)
# The statistics' navigator figure (open families for whom a right is likely but not applied for) screens every
# open family of the municipalities; it is kept this many seconds per worker (los.stats.selectors.navigator_gaps).
LOS_STATS_SCREENING_CACHE_SECONDS = int(os.environ.get("LOS_STATS_SCREENING_CACHE_SECONDS",
                                                       "0" if ENVIRONMENT == "test" else "600"))
# The open request form (nobody logs in): requests taken per network (an IPv4 address or an IPv6 /64) and in all,
# per hour (los.referrals.services.check_public_throttle; docs/security.md).
LOS_PUBLIC_REQUESTS_PER_NETWORK = int(os.environ.get("LOS_PUBLIC_REQUESTS_PER_NETWORK", "3"))
LOS_PUBLIC_REQUESTS_PER_HOUR = int(os.environ.get("LOS_PUBLIC_REQUESTS_PER_HOUR", "60"))
# Figures with small numbers hidden (a municipal leader, the anonymised export) are given for one kind of whole
# calendar period that has ended: "month", "quarter" or "year" (los.stats.periods; docs/statistics.md). Choose it
# once: periods of two kinds overlap and could be subtracted from each other.
LOS_STATS_PROTECTED_PERIOD = os.environ.get("LOS_STATS_PROTECTED_PERIOD", "quarter")
# The API's rate limit per token or user (los.api.api.RateThrottle); bench/pages.py lifts it for its load test.
LOS_API_RATE = os.environ.get("LOS_API_RATE", "600/m")
# Reverse proxies in front of the app servers whose X-Forwarded-For entries are trusted (audit log IPs).
LOS_TRUSTED_PROXY_COUNT = int(os.environ.get("LOS_TRUSTED_PROXY_COUNT", "1" if env_bool("BEHIND_PROXY", PRODUCTION) else "0"))
AXES_IPWARE_PROXY_COUNT = LOS_TRUSTED_PROXY_COUNT or None
# Capacity used to rank candidate coordinators: families per 10 % of a position.
LOS_FAMILIES_PER_10_PERCENT = float(os.environ.get("LOS_FAMILIES_PER_10_PERCENT", "2.5"))

# Backup (los.ops, docs/backup.md): the key that encrypts export_all archives at rest. 32 random bytes,
# urlsafe base64 (generate one with `python manage.py export_all --generate-key`). Never stored in the
# database or the archive; without it export_all and import_all refuse to run.
LOS_BACKUP_KEY = os.environ.get("LOS_BACKUP_KEY", "")
# Tables left out of backups (app_label.model): sessions would bring log-ins back to life after a restore.
LOS_BACKUP_EXCLUDE = env_list("LOS_BACKUP_EXCLUDE", "sessions.session")

# Moving a family's record to another municipality (los.transitions, docs/family-transfer.md). Packages are
# signed with Ed25519. LOS_TRANSFER_SIGNING_KEY is this installation's private key: 32 random bytes in urlsafe
# base64 (`python manage.py transfer_keys --generate`), from the environment only, never in the database.
# Without it development and test use a published key that is not for production (refused when
# LOS_ENVIRONMENT=production). LOS_INSTALLATION_NAME names this installation in the packages it signs.
# LOS_TRANSFER_TRUSTED_SENDERS lists the other installations whose packages are accepted, as
# "name=public key" separated by commas (`python manage.py transfer_keys` prints this installation's entry).
LOS_INSTALLATION_NAME = os.environ.get("LOS_INSTALLATION_NAME", "")
LOS_TRANSFER_SIGNING_KEY = os.environ.get("LOS_TRANSFER_SIGNING_KEY", "")
LOS_TRANSFER_TRUSTED_SENDERS = env_list("LOS_TRANSFER_TRUSTED_SENDERS")

# Retention (los.ops, docs/retention.md). Years are counted from the day a case was closed (or a request
# finally refused), and from the newest audit event about the family; both must have passed. The defaults
# follow Normen's minimum for health records (10 years after the last entry); the municipality's archive
# plan (bevarings- og kassasjonsplan) decides the real values and whether anything must be deposited first.
LOS_RETENTION_CASE_YEARS = int(os.environ.get("LOS_RETENTION_CASE_YEARS", "10"))
# Audit events are kept at least this many years after the event, and are removed only with their family.
LOS_RETENTION_AUDIT_YEARS = int(os.environ.get("LOS_RETENTION_AUDIT_YEARS", "10"))
# Audit events that belong to no family (log-ins, lists) are removed this many years after the event.
LOS_RETENTION_UNLINKED_AUDIT_YEARS = int(os.environ.get("LOS_RETENTION_UNLINKED_AUDIT_YEARS", "10"))
# `manage.py audit_verify` walks the audit chains with the verifier that also accepts the signed tombstones
# and checkpoints retention leaves where it removed events (los.ops.chain; same results on an unpruned log).
LOS_AUDIT_VERIFIER = "los.ops.chain.verify_chains"

# The audit chain's key (los.access.audit_keys, docs/security.md): every audit event and every anchor line is
# an HMAC-SHA256 under this key, which is never stored in the database. "<key id>:<secret>", the secret 32 or
# more random bytes in urlsafe base64 (`python manage.py audit_anchor --generate-key ID` makes one). When
# rotating, the new key goes here and the old one to LOS_AUDIT_OLD_KEYS (comma-separated; verification only).
# Outside production a development key with the id "dev" is the default; production refuses to start without a
# key of its own.
if PRODUCTION:
    LOS_AUDIT_KEY = os.environ.get("LOS_AUDIT_KEY", "").strip()
    if not LOS_AUDIT_KEY or LOS_AUDIT_KEY.partition(":")[0] == "dev":
        raise ImproperlyConfigured("Set LOS_AUDIT_KEY in the environment to the audit chain's own key: it is required "
                                   "when LOS_ENVIRONMENT=production, and the development key is refused.")
else:
    from los.access.audit_keys import DEVELOPMENT_KEY

    LOS_AUDIT_KEY = os.environ.get("LOS_AUDIT_KEY", "").strip() or DEVELOPMENT_KEY
LOS_AUDIT_OLD_KEYS = os.environ.get("LOS_AUDIT_OLD_KEYS", "")
# The anchor: an append-only file outside the database to which `manage.py audit_anchor` (from a timer) writes
# the head of every audit chain, each line with its own HMAC; `manage.py audit_verify` compares the chains with
# it and so finds a truncated, deleted or recomputed chain. Put it where the database's users cannot write
# (another disk or host; `chattr +a`). Empty: no anchor (audit_verify says so).
LOS_AUDIT_ANCHOR_FILE = os.environ.get("LOS_AUDIT_ANCHOR_FILE", "")
