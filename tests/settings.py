"""Settings for the test suite: the real settings, pointed at test-only resources.

The broker is the real Redis (a database number of its own) and the sandbox queue
gets a name unique to this run, so a worker started by the tests consumes only
this run's tasks.
"""

import os
import uuid

os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SANDBOX_QUEUE", f"sandbox-test-{uuid.uuid4().hex[:12]}")
# The live rounds' channel layer on the same Redis, under a prefix of this run's own (the worker inherits it).
os.environ.setdefault("CHANNEL_LAYER_PREFIX", f"interviewprep-test-{uuid.uuid4().hex[:12]}")

from interviewprep.settings import *  # noqa: E402,F403

import tempfile  # noqa: E402

# Recordings go to a folder of this run's own, never to var/ of the checkout.
STORAGES["recordings"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="interviewprep-test-recordings-")  # noqa: F405

# Hashing passwords slowly protects real accounts; tests create many.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Both caches in this process's memory: rendered Markdown then never outlives a test run (an edit made
# without bumping RENDERER_VERSION cannot serve stale HTML to the tests), and the throttle counters are
# emptied before every test (tests/conftest.py); tests/interviewprep/test_throttle.py also runs them on
# the database cache that production uses without CACHE_URL.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "markdown"},
    "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
}
