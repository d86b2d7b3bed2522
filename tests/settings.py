"""Settings for the test suite: production settings with a test secret and plain static files."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-secret-key-not-for-production-0123456789abcdef")

from helpcenter.settings import *  # noqa: E402,F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never outside tests
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Log-in protections are switched on by the tests that exercise them (tests/accounts): the test
# client's login() passes no request, which django-axes refuses, and most tests log staff in directly.
AXES_ENABLED = False
HELPCENTER_TWO_FACTOR_ENFORCED = False
# The communicator tests run in one process: the in-memory layer, whatever REDIS_URL says
# (tests/chat/test_redis_processes.py starts real servers on Redis).
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Views counted at once, as each test reads them straight after (tests/faq/test_page_cache.py tests the batches).
HELPCENTER_COUNTS_FLUSH_SECONDS = 0
