"""Settings for mail workers started as separate processes by tests/outbox/test_workers.py: the
real settings (DATABASE_URL decides the database), with deliveries written to a file."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-secret-key-not-for-production-0123456789abcdef")

from helpcenter.settings import *  # noqa: E402,F403

EMAIL_BACKEND = "tests.outbox.backends.RecordingBackend"
