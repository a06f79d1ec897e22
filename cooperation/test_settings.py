"""Settings for the test suite: the real settings, with fast hashing and captured e-mail."""

import tempfile

from cooperation.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="cooperation-test-documents-")
LANGUAGE_CODE = "en"
# Each test process its own cache, emptied before every test (conftest.py): parallel workers
# never see each other's entries. The Redis cache itself is tested in test_cache.py.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
}
