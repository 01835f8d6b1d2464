"""Settings for the test suite: the real settings, pointed at test-only resources.

The broker is the real Redis (a database number of its own) and the sandbox queue
gets a name unique to this run, so a worker started by the tests consumes only
this run's tasks.
"""

import os
import uuid

os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SANDBOX_QUEUE", f"sandbox-test-{uuid.uuid4().hex[:12]}")

from interviewprep.settings import *  # noqa: E402,F403

# Hashing passwords slowly protects real accounts; tests create many.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Throttle counters in this process's memory, emptied before every test (tests/conftest.py);
# tests/interviewprep/test_throttle.py also runs them on the database cache production uses.
CACHES = {**CACHES, "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}}  # noqa: F405
