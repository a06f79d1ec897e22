"""Settings for the Cooperation portal.

Everything that differs between a laptop and production comes from the environment (see
README.md for the list). With no environment at all the portal runs on SQLite, a filesystem
message broker and the console e-mail back end, so `make run` works on a fresh machine.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cooperation.lib.env import document_storage, email_settings, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"
SECRET_KEY = envstr("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = envbool("DEBUG", True)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the development key is refused when DEBUG is off.")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# Without SITE_URL the portal is where `make run` serves it: on PORT, as scripts/serve.py reads it.
SITE_URL = envstr("SITE_URL", f"http://127.0.0.1:{envint('PORT', 8000)}").rstrip("/")

HOME_INSTITUTION_NAME = envstr("HOME_INSTITUTION_NAME", "International Engineering and Technology University")
# Our SCHAC code, the hei-id of Erasmus Without Paper (agreements/ewp/): empty until we have one.
HOME_INSTITUTION_SCHAC = envstr("HOME_INSTITUTION_SCHAC", "")
OFFICE_MAILBOX = envstr("OFFICE_MAILBOX", "international@university.example")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI as static files, no CDN
    "partners",
    "agreements",
    "mobility",
    "cooperation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view: a NUL byte or a runaway value in the address is refused once for all (400).
    "cooperation.lib.parameters.MalformedParametersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: the page it draws shows the user's navigation bar.
    "cooperation.lib.errors.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cooperation.lib.security.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cooperation.urls"
WSGI_APPLICATION = "cooperation.wsgi.application"

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
                "cooperation.portal.context_processors.portal",
            ],
        },
    },
]

# SQLite under var/ by default; PostgreSQL with DATABASE_URL=postgres://user@host:5432/name.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cooperation.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the plans of the portal's short queries for longer than they run
    # (the searches measured in docs/PERFORMANCE.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fail-soft: the cache holds only what can be computed again (cooperation/lib/cache.py).
            "BACKEND": "cooperation.lib.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cooperation",
        },
        # The public API's request counts: Redis without the fail-soft cover, so a count that
        # cannot be kept refuses the request (cooperation/api/views.py PublicRateThrottle).
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cooperation-throttle",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 10)  # one working day
# Login protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from
# one address, that pair waits AXES_COOLOFF_MINUTES. Locking the pair, not the address alone, keeps
# a whole office behind one NAT address working while someone guesses at one account.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its start-up banner would print in every management command
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "cooperation.lib.security.client_ip_address"
# Password reset e-mails asked for per hour, from one client address and for one e-mail address
# (cooperation/portal/password_reset.py).
PASSWORD_RESET_PER_HOUR = envint("PASSWORD_RESET_PER_HOUR", 5)
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# Behind HTTPS in production (DEBUG off): secure cookies, HSTS, and the proxy's word on the
# scheme (nginx sets X-Forwarded-Proto; see docs/DEPLOYMENT.md). Each can be turned off by the
# environment, e.g. for a plain-HTTP intranet test machine.
HTTPS = envbool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
BEHIND_PROXY = envbool("BEHIND_PROXY", HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Every page loads scripts, styles, fonts and images from the portal alone, runs no inline
# script and is framed by no one. data: images are the SVG icons inside Bootstrap's and Swagger
# UI's own style sheets (select arrows, check marks), which make no request.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# /healthz answers load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# check --deploy warns about HSTS preload, which is a decision for the university's domain
# (it cannot be undone quickly), not a default. The covering indexes' INCLUDE columns serve
# PostgreSQL; SQLite (a first run) builds the same indexes without them, which is all W040 says.
SILENCED_SYSTEM_CHECKS = ["security.W021", "models.W040"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
# Kazakh strings that neither we nor a library translated fall back to Russian, which every
# reader of the Kazakh interface also reads, rather than to English: locale/fallback holds them,
# written by scripts/compile_messages.py (`make messages`).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "fallback"]
# Django ships no Kazakh date and number formats; ours are in cooperation/formats/kk/.
FORMAT_MODULE_PATH = ["cooperation.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

# modeltranslation: reference lists (units, areas of cooperation) carry a name per language.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",), "kk": ("ru", "en")}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# Uploaded documents (and the files of imports) are private: they are served only through views
# that check the user's right to the record, never under a public URL. They are kept in the folder
# MEDIA_ROOT, or, for several web machines, in an S3-compatible bucket named by
# DOCUMENTS_STORAGE_URL=s3://bucket?endpoint=... (cooperation/lib/env.py document_storage).
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "documents")))
STORAGES = {
    "default": document_storage(envstr("DOCUMENTS_STORAGE_URL", "")),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DOCUMENT_MAX_BYTES = envint("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# A list filter left empty reads "All" rather than "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
COUNTRIES_FIRST = ["KZ"]

# The read-only REST API (cooperation/api/). Scripts send "Authorization: Token <key>" (keys are
# issued on the calendar and API page, stored hashed); a logged-in browser may use its session,
# so the API documentation page can try requests. Token authentication comes first, so an
# anonymous request is answered 401 with its WWW-Authenticate header rather than 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cooperation.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cooperation.api.permissions.ReadsThePortal"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "cooperation.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "cooperation.api.schema.PortalAutoSchema",
    # Counted in the default cache (Redis in production), so every web worker shares the count.
    "DEFAULT_THROTTLE_RATES": {"public": envstr("API_PUBLIC_RATE", "60/minute")},
    # The client's address for the throttle: the proxy's X-Forwarded-For behind nginx, and never a
    # header the client sent itself, which would let it pick a fresh address for every request.
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cooperation portal API",
    "DESCRIPTION": "Read-only access to partners, agreements, visits and programs.",
    "VERSION": "1",
    # OpenAPI 3.1 is JSON Schema proper: a field that may be null says so in a way every
    # validator reads (3.0's "nullable" beside a $ref is read differently by different tools).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI would ask validator.swagger.io about the schema: the portal calls nothing outside.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Many models have a "kind" and a "status": each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "InstitutionKindEnum": "partners.models.Institution.Kind",
        "InstitutionStatusEnum": "partners.models.Institution.Status",
        "InstitutionNameKindEnum": "partners.models.InstitutionName.Kind",
        "AgreementKindEnum": "agreements.models.Agreement.Kind",
        "AgreementStatusEnum": "agreements.models.Agreement.Status",
        "VisitKindEnum": "cooperation.visits.models.Visit.Kind",
        "VisitStatusEnum": "cooperation.visits.models.Visit.Status",
        "ProgramKindEnum": "mobility.models.Program.Kind",
        "ProgramDirectionEnum": "mobility.models.Program.ProgramDirection",
    },
}

vars().update(email_settings(envstr("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Cooperation portal <noreply@university.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)

# Celery: Redis when REDIS_URL is set; otherwise a filesystem broker under var/ so that the
# worker and beat started by `make run` still deliver reminders with no services installed.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
    }
    CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 10 * 60)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "cooperation.lib.log_filters.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's default configuration gives "django" a console handler of its own (with DEBUG
        # on), and its records reach the root's too: every line came out twice. Here they go
        # to the root's alone (no ADMINS are mailed, so its mail handler had nothing to do).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["refusals_on_one_line"]},
    },
}

# ---------------------------------------------------------------------------------------------
# Reminders: queues, routes and the defaults of the reminder policy.
# ---------------------------------------------------------------------------------------------
# The sweep, the retries and the digest run on "reminders"; the e-mails are tasks on "email",
# so a slow mail server never holds up the sweep. The worker of `make run` consumes both.
CELERY_TASK_ROUTES = {
    "cooperation.tasks.reminders_sweep": {"queue": "reminders"},
    "cooperation.tasks.reminders_requeue": {"queue": "reminders"},
    "cooperation.tasks.weekly_digest": {"queue": "reminders"},
    "cooperation.tasks.reminder_send": {"queue": "email"},
    "cooperation.tasks.reminders_send": {"queue": "email"},
}
# Days before each due date (0: the day itself; negative: days after it, i.e. overdue). These
# are the defaults of the reminder policy, which an administrator changes in the admin.
REMINDER_THRESHOLDS = {
    "agreement_expiry": [180, 90, 30, 7, 0],
    "agreement_notice": [180, 90, 30, 7, 0],
    "visit_start": [7, 1],
    "action_due": [2, -1],
    "program_application": [30, 7, 1],
    "program_nomination": [30, 7, 1],
    "participant_documents": [7, 1, -1],
}
# A sweep still sends the most urgent reminder of a record whose due date passed up to this many
# days ago (after an outage); older ones are not chased.
REMINDER_CATCH_UP_DAYS = envint("REMINDER_CATCH_UP_DAYS", 14)
# A reminder left "sending" this long (its worker died) is sent again. Longer than the send
# task's time limit, so a slow send is never doubled.
REMINDER_SENDING_TIMEOUT = envint("REMINDER_SENDING_TIMEOUT", 10 * 60)
# A queued reminder whose task has not run after this long (the message was lost) is queued again.
REMINDER_REQUEUE_AFTER = envint("REMINDER_REQUEUE_AFTER", 10 * 60)
# A failed send waits RETRY_BASE_DELAY * 2**(attempts - 1) seconds, at most RETRY_MAX_DELAY.
REMINDER_RETRY_BASE_DELAY = envint("REMINDER_RETRY_BASE_DELAY", 60)
REMINDER_RETRY_MAX_DELAY = envint("REMINDER_RETRY_MAX_DELAY", 6 * 60 * 60)
# After this many attempts a reminder stays failed (visible in the admin) until retried by hand.
REMINDER_MAX_ATTEMPTS = envint("REMINDER_MAX_ATTEMPTS", 50)
# The language of the e-mails to the office's shared mailbox.
REMINDER_MAILBOX_LANGUAGE = envstr("REMINDER_MAILBOX_LANGUAGE", LANGUAGE_CODE)
# The workers send reminders in batches of this many, each batch over one SMTP connection.
REMINDER_SEND_BATCH = envint("REMINDER_SEND_BATCH", 200)
# How a reminder reaches its recipient, in this order (cooperation/reminders/channels.py).
REMINDER_CHANNELS = ["cooperation.reminders.channels.Bell", "cooperation.reminders.channels.Email"]
# Administrators are warned when no sweep has finished for this long (it runs every morning).
REMINDER_SWEEP_LATE_HOURS = envint("REMINDER_SWEEP_LATE_HOURS", 26)
# The weekly digest looks this many days ahead.
DIGEST_HORIZON_DAYS = envint("DIGEST_HORIZON_DAYS", 30)
# The bell with the unread count and the administrators' warning, on every page.
TEMPLATES[0]["OPTIONS"]["context_processors"].append("cooperation.portal.context_processors.notifications")
