"""All configuration comes from environment variables; a bad value stops start-up."""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("LIANFANG_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database and generated key live here


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """LIANFANG_SECRET_KEY, else a random key kept in var/ for a one-machine install."""
    key = os.environ.get("LIANFANG_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LIANFANG_DEBUG", False)
ALLOWED_HOSTS = env_list("LIANFANG_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("LIANFANG_CSRF_TRUSTED_ORIGINS", "")
SECURE_COOKIES = env_bool("LIANFANG_SECURE_COOKIES", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "ninja",
    "axes",
    "lianfang.core",
    "lianfang.org",
    "lianfang.accounts",
    "simple_history",
    "lianfang.risks",
    "lianfang.powers",
    "lianfang.portal",
    "lianfang.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lianfang.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lianfang.core.middleware.RequestContextMiddleware",
    "lianfang.accounts.middleware.LoginPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lianfang.urls"
WSGI_APPLICATION = "lianfang.wsgi.application"

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
                "lianfang.accounts.context_processors.navigation",
                "lianfang.core.notification_views.unread",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lianfang.sqlite3'}"),
        conn_max_age=env_int("LIANFANG_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login policy (等保 2.0 level 3 practice); every number can be changed per install.
PASSWORD_MIN_LENGTH = env_int("LIANFANG_PASSWORD_MIN_LENGTH", 10, minimum=8)
PASSWORD_MIN_CLASSES = env_int("LIANFANG_PASSWORD_MIN_CLASSES", 3, minimum=1)
PASSWORD_HISTORY = env_int("LIANFANG_PASSWORD_HISTORY", 5)
PASSWORD_MAX_AGE_DAYS = env_int("LIANFANG_PASSWORD_MAX_AGE_DAYS", 90, minimum=1)
LOGIN_IP_FAILURE_LIMIT = env_int("LIANFANG_LOGIN_IP_FAILURE_LIMIT", 30, minimum=1)
REQUIRE_2FA_FOR_ADMINS = env_bool("LIANFANG_REQUIRE_2FA_FOR_ADMINS", False)
SESSION_IDLE_MINUTES = env_int("LIANFANG_SESSION_IDLE_MINUTES", 30, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "lianfang.accounts.passwords.CharacterClassValidator"},
    {"NAME": "lianfang.accounts.passwords.HistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

AXES_FAILURE_LIMIT = env_int("LIANFANG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LIANFANG_LOCKOUT_MINUTES", 30, minimum=1))
# Lock the account for the address it was attacked from, so that nobody elsewhere can lock
# a colleague out; the per-address throttle in accounts.throttle stops guessing across names.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lianfang.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "lianfang.core.context.client_ip"
# How many reverse proxies stand in front of the app; their X-Forwarded-For entries are trusted.
PROXY_COUNT = env_int("LIANFANG_PROXY_COUNT", 0)

SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("LIANFANG_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("LIANFANG_BEHIND_TLS_PROXY", False) else None
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", PROJECT_DIR / "node_modules" / "echarts" / "dist"),
]
STATICFILES_VENDOR_FILES = {
    "vendor/mermaid/mermaid.min.js": PROJECT_DIR / "node_modules/mermaid/dist/mermaid.min.js",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "lianfang.core.staticfinders.VendorFileFinder",
]
# A file added since the last collectstatic is served unhashed instead of failing the page.
WHITENOISE_MANIFEST_STRICT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LIANFANG_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Domain defaults (DOMAIN.md §1): a key post held this many years is due for rotation.
ROTATION_YEARS = env_int("LIANFANG_ROTATION_YEARS", 5, minimum=1)
# The risk library (DOMAIN.md §3): the bureau's grading method and the upload limits.
RISK_GRADING_METHOD = env_str("LIANFANG_GRADING_METHOD", "matrix")
if RISK_GRADING_METHOD not in ("matrix", "criteria", "power_type"):
    raise ImproperlyConfigured("LIANFANG_GRADING_METHOD must be matrix, criteria or power_type")
IMPORT_MAX_BYTES = env_int("LIANFANG_IMPORT_MAX_MB", 10, minimum=1) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("LIANFANG_IMPORT_MAX_ROWS", 100_000, minimum=1)
FILE_UPLOAD_HANDLERS = [
    "lianfang.core.uploads.SizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The power list (DOMAIN.md §4): the code format varies by province. Default: 16 digits,
# 区划6-主体3-类型2-事项3-子项2 (Hubei).
POWER_CODE_PATTERN = env_str(
    "LIANFANG_POWER_CODE_PATTERN", r"^[0-9]{6}[0-9]{3}[0-9]{2}[0-9]{3}[0-9]{2}$"
)
try:
    re.compile(POWER_CODE_PATTERN)
except re.error as exc:
    raise ImproperlyConfigured(f"LIANFANG_POWER_CODE_PATTERN is not a regex: {exc}") from exc
# How the pattern reads to a user; empty: the default pattern's description.
POWER_CODE_HELP = env_str("LIANFANG_POWER_CODE_HELP", "")
# Region code (区划) that new codes start with, and the phone printed where an item has none.
POWER_REGION_CODE = env_str("LIANFANG_POWER_REGION_CODE", "439901")
SUPERVISION_PHONE = env_str("LIANFANG_SUPERVISION_PHONE", "")
# Electronic supervision: prompt this many working days before a case's deadline.
SUPERVISION_PROMPT_DAYS = env_int("LIANFANG_SUPERVISION_PROMPT_DAYS", 1)
# A yellow or red card must be replied to by the end of this many working days after it.
SUPERVISION_REPLY_DAYS = env_int("LIANFANG_SUPERVISION_REPLY_DAYS", 5)


def env_map(name: str, default: str) -> dict[str, str]:
    """`key=value,key=value` as a dict (keys checked by the module that reads them)."""
    pairs = {}
    for item in env_list(name, default):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name}: {item!r} is not key=value")
        pairs[key.strip()] = value.strip()
    return pairs


# Supervision rules switched off, and rules whose level differs from the default
# (`rule=prompt|yellow|red`); see lianfang.supervision.rules.
SUPERVISION_RULES_OFF = env_list("LIANFANG_SUPERVISION_RULES_OFF", "")
SUPERVISION_RULE_LEVELS = env_map("LIANFANG_SUPERVISION_RULE_LEVELS", "")
# The monthly score: weights of the nine dimensions (they add up to 100), deductions per card,
# for every 3 prompts, and the early share a case must finish within for the bonus.
SUPERVISION_SCORE_WEIGHTS = env_map(
    "LIANFANG_SUPERVISION_SCORE_WEIGHTS",
    "disclosure=10,process=14,time=14,fees=8,satisfaction=10,attitude=10,inspection=14,"
    "legal=10,integrity=10",
)
SUPERVISION_DEDUCTIONS = env_map("LIANFANG_SUPERVISION_DEDUCTIONS", "prompts3=3,yellow=5,red=10")
# Quarterly grades: the lowest mean score of 优秀, 良好, 合格.
SUPERVISION_GRADE_FLOORS = env_map(
    "LIANFANG_SUPERVISION_GRADE_FLOORS", "excellent=90,good=80,pass=60"
)
# A case finished within this share of its promised limit counts as early (提前办结).
SUPERVISION_EARLY_PERCENT = env_int("LIANFANG_SUPERVISION_EARLY_PERCENT", 50, minimum=1)
# Fernet key for sealed fields (core.crypto); empty: derived from SECRET_KEY.
FIELD_KEY = env_str("LIANFANG_FIELD_KEY", "")
# How flowcharts mark a risky step: level 1, 2, 3.
RISK_LEVEL_MARKS = env_list("LIANFANG_RISK_LEVEL_MARKS", "★★★,★★,★")
RISK_LEVEL_COLOURS = env_list("LIANFANG_RISK_LEVEL_COLOURS", "#f4cccc,#fce5cd,#fff2cc")
if len(RISK_LEVEL_MARKS) != 3 or len(RISK_LEVEL_COLOURS) != 3:
    raise ImproperlyConfigured("LIANFANG_RISK_LEVEL_MARKS and _COLOURS need three values each")
if not all(re.fullmatch(r"#[0-9a-fA-F]{6}", c) for c in RISK_LEVEL_COLOURS):
    raise ImproperlyConfigured("LIANFANG_RISK_LEVEL_COLOURS must be #rrggbb colours")
AUDIT_RETENTION_DAYS = env_int("LIANFANG_AUDIT_RETENTION_DAYS", 180, minimum=180)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
