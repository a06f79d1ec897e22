"""Settings for the test suite: the real settings, with fast hashing and captured e-mail."""

import tempfile

from cooperation.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="cooperation-test-documents-")
LANGUAGE_CODE = "en"
