"""Maillage settings: one module, driven by environment variables.

Production is the default: it needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL, and serves over
HTTPS only (``manage.py check --deploy`` is clean). Development says so with DEBUG=on (``make run``
and the tests do), which needs no other configuration. Secrets may also come from files
(``SECRET_KEY_FILE``).
"""

from pathlib import Path

import environ
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = BASE_DIR.parent / "shared"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _secret(name, default):
    """A secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=False)
# A known key would let anyone sign links (claims, confirmations): only development has a default.
SECRET_KEY = _secret("SECRET_KEY", "dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. In production set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, "
        "e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "For development set DEBUG=on (make run does)."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # modeltranslation must come before admin so translated fields show there.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "simple_history",
    # accounts before allauth: its templates replace allauth's (site layout, no inline script/style).
    "accounts",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
    "maillage",
    "territory",
    "directory",
    "agenda",
    "projects",
    "search",
    "pages",
    "demo",
    "charter",
    "proposals",
    "history",
    "freshness",
    "imports",
    "merges",
    "api",
    "opendata",
    "widgets",
    "printing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages, feeds and map data (with Django's BREACH mitigation).
    "django.middleware.gzip.GZipMiddleware",
    # Public pages for visitors from stored bytes (maillage.pagecache): before the session, the
    # authentication and the rest, which a stored page needs none of.
    "maillage.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "maillage.params.refuse_null_characters",  # after the locale: its message is translated
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "maillage.urls"
WSGI_APPLICATION = "maillage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.context_processors.site",
                "pages.context_processors.easy_reading",
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers and the writer work at the same time (several gunicorn workers).
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Stateless app servers: sessions and cache live in the database unless configured.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    # Shared by every process and server (its table is made by a migration of maillage): what all of
    # them must see alike, such as allauth's sign-in throttling. Rate limits have their own table
    # (maillage.ratelimit: an atomic count, which a cache's get-then-set is not). Room for 10,000
    # entries: a burst of new keys must not cull the sign-in throttling's counts.
    "default": env.cache("CACHE_URL", default="dbcache://maillage_cache?max_entries=10000"),
    # Each process's own memory, for answers rebuilt from data versions (their keys hold the
    # versions, so no process serves stale data): the API's answers, the public places.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
    # Progress of long work (imports) written by the worker and read by the web pages: shared
    # between processes and outside the database (an import's transaction would hide it).
    "progress": env.cache("PROGRESS_CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache' / 'progress'}"),
    # Public pages rendered for visitors (maillage.pagecache), shared by every app server: their
    # keys hold the data versions, so an entry is never stale, only unused; the oldest are culled.
    # PostgreSQL: a table of the database. SQLite (one server): files, as a page stored during a
    # long write (an import) would wait for SQLite's single writer.
    "pages": env.cache(
        "PAGE_CACHE_URL",
        default=f"filecache://{BASE_DIR / 'var' / 'cache' / 'pages'}?max_entries=5000"
        if DATABASES["default"]["ENGINE"].endswith("sqlite3")
        else "dbcache://maillage_pages?max_entries=5000",
    ),
}

# The public page cache (maillage.pagecache). Off in development by default (templates change
# under the developer's eyes); on in production and in the tests.
PAGE_CACHE = env.bool("PAGE_CACHE", default=not DEBUG)
# Pages that show what is on now may change with the clock alone: kept at most this long.
PAGE_CACHE_CLOCK_SECONDS = env.int("PAGE_CACHE_CLOCK_SECONDS", default=60)
# Pages without a clock are kept this long in the shared cache (they are never stale, only unused).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=24 * 3600)
# Each process keeps the pages it served last, compressed, up to this many bytes.
PAGE_CACHE_MEMORY_BYTES = env.int("PAGE_CACHE_MEMORY_BYTES", default=32 * 1024 * 1024)
# What a proxy or browser in front may do: keep a page this many seconds, then serve it while it
# revalidates for this many more (a traffic spike is absorbed in front of the app).
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=60)
PAGE_CACHE_STALE_SECONDS = env.int("PAGE_CACHE_STALE_SECONDS", default=600)
# Cookies that change how a public page looks for a visitor (easy reading): part of its key.
PAGE_CACHE_KEY_COOKIES = ("easy",)  # pages.easy.COOKIE

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: the interface and content exist in French, Dutch and English.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("fr", "nl", "en")}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": env.str("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "maillage.storage.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
# Files never served (import files and previews may hold personal data): outside MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")

# Territory: commune boundaries place points in communes and draw them on the map.
_default_boundaries = SHARED_DIR / "data" / "brussels-communes.geojson"
TERRITORY_BOUNDARIES_FILE = env.str(
    "TERRITORY_BOUNDARIES_FILE",
    default=str(_default_boundaries) if _default_boundaries.exists() else "",
)

# Map tiles: any XYZ tile server; the map still shows commune outlines and markers without it.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")
# How far ahead recurring events are expanded into dated occurrences.
AGENDA_HORIZON_DAYS = env.int("AGENDA_HORIZON_DAYS", default=730)

# Security: a strict Content-Security-Policy (no inline script or style anywhere).
_tile_origin = "https://*.openstreetmap.org" if "openstreetmap" in MAP_TILE_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + env.list("CSP_IMG_SRC", default=[_tile_origin] if _tile_origin else []),
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS only in production: plain HTTP is redirected (except the load balancer's health check) and
# browsers are told to keep to HTTPS for a year (HSTS), subdomains included unless turned off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Reverse proxies of our own in front of the site: each appends the address it was reached from to
# X-Forwarded-For, so the client's address is the Nth from the right (maillage.ratelimit, allauth).
# 0: the header is never read (anyone can write it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Behind a proxy that ends TLS, the request is HTTPS when the proxy says so.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=TRUSTED_PROXY_COUNT > 0) else None
)

# Accounts (django-allauth): sign-in by email, verified addresses, throttled logins.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, spelled out: failed logins are throttled per address and per IP.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_LOGOUT_REDIRECT_URL = "pages:home"

# Email: printed to the console in development, SMTP (EMAIL_URL, e.g. smtp+tls://user:pw@host:587)
# in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Maillage <noreply@maillage.brussels>")

# Background work (emails, reminders, link checks) goes through django-tasks. The database
# backend is served by `python manage.py worker`; TASKS_IMMEDIATE=on runs tasks in the request.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env.bool("TASKS_IMMEDIATE", default=False)
        else "django_tasks_db.DatabaseBackend",
    }
}

# Contribution and freshness watch.
FRESHNESS_MONTHS = env.int("FRESHNESS_MONTHS", default=12)
FRESHNESS_GRACE_DAYS = env.int("FRESHNESS_GRACE_DAYS", default=30)
LINK_CHECK_BATCH = env.int("LINK_CHECK_BATCH", default=200)
LINK_CHECK_TIMEOUT = env.float("LINK_CHECK_TIMEOUT", default=5.0)
# Only for tests and closed networks: let link checks reach private or loopback addresses.
LINK_CHECK_ALLOW_PRIVATE = env.bool("LINK_CHECK_ALLOW_PRIVATE", default=False)
# Anonymous proposals per client address and hour.
PROPOSAL_RATE_LIMIT = env.int("PROPOSAL_RATE_LIMIT", default=20)
# Claims a person may make per day, and confirmation links sent to one entry's public address per
# day (more claims wait for a moderator, without a link).
CLAIM_RATE_LIMIT = env.int("CLAIM_RATE_LIMIT", default=5)
CLAIM_EMAIL_RATE_LIMIT = env.int("CLAIM_EMAIL_RATE_LIMIT", default=3)
LOGO_MAX_BYTES = env.int("LOGO_MAX_BYTES", default=1_000_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

SITE_NAME = "Maillage"
# The address the privacy page gives for questions about personal data ("": none shown).
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")
# Pages crawlers keep out of (URL names, in every language): /robots.txt. The print pages: each GET
# there may typeset a document.
ROBOTS_DISALLOW = ["printing:index"]
SITE_TAGLINE = _("The associative network of Brussels")

# Imports (issue 4): largest file accepted by the importer, from the web screen, a URL or the command.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Import files and previews are kept this many days (the imports' reports stay).
IMPORT_KEEP_DAYS = env.int("IMPORT_KEEP_DAYS", default=30)
# Seconds an import waits for a URL's answer.
IMPORT_TIMEOUT = env.int("IMPORT_TIMEOUT", default=30)
# Only for tests and closed networks: let imports fetch from private or loopback addresses.
IMPORT_ALLOW_PRIVATE_URLS = env.bool("IMPORT_ALLOW_PRIVATE_URLS", default=False)
# Open data: where the nightly dump is written, and the licence it is published under.
OPEN_DATA_DIR = Path(env.str("OPEN_DATA_DIR", default=str(Path(str(MEDIA_ROOT)) / "opendata")))
# Stored exports (maillage.exports: GeoJSON, CSV, iCal feeds, map points), one folder per state of
# the data; older states are removed. Per server (each writes its own on first request).
EXPORTS_DIR = Path(env.str("EXPORTS_DIR", default=str(Path(str(MEDIA_ROOT)).parent / "exports")))
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", default="CC BY 4.0")
# Write API: requests per minute and per token.
API_WRITE_RATE_LIMIT = env.int("API_WRITE_RATE_LIMIT", default=60)
# Seconds each process keeps an API answer under its ETag (0: never).
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=300)

# Merges: probable duplicates are looked for among the entries created or imported in the last
# this-many days, at most this many of them.
MERGES_RECENT_DAYS = env.int("MERGES_RECENT_DAYS", default=30)
MERGES_MAX_SCANNED = env.int("MERGES_MAX_SCANNED", default=500)

# Printing (printed directories, handouts, posters): where finished PDFs are kept until the data
# changes, and above how many entries a directory is typeset by the worker instead of the request.
PRINT_DIR = Path(env.str("PRINT_DIR", default=str(Path(str(MEDIA_ROOT)) / "printouts")))
PRINT_BACKGROUND_ABOVE = env.int("PRINT_BACKGROUND_ABOVE", default=300)
# Finished documents kept at most this many days; new documents a visitor's address, and a
# signed-in person, may ask per hour.
PRINT_KEEP_DAYS = env.int("PRINT_KEEP_DAYS", default=7)
PRINT_RATE_LIMIT = env.int("PRINT_RATE_LIMIT", default=30)
PRINT_RATE_LIMIT_USER = env.int("PRINT_RATE_LIMIT_USER", default=120)
