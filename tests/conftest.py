"""Fixtures shared by the whole suite: the roles (owner, outsider), a loaded pack, a real Celery worker."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

MINI_PACK = Path(__file__).parent / "questions" / "mini-pack"
BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PACK = BASE_DIR / "packs" / "deepmind-applied"


# The PostgreSQL pass (`make test-postgres`, which passes --database-dependent-only) repeats only what
# can behave differently on another database. Tests that open no database, and the browser journeys
# (whose database work the view and service tests already cover), ran in the SQLite pass and are left
# out of it, and so are tests marked `same_on_every_database` (their database work is incidental to
# what they check). The option is explicit rather than read off DATABASE_URL: other runs on
# PostgreSQL (the sandbox suite inside the stack's worker container) want every test they name.
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup"}
_SAME_ON_EVERY_DATABASE = (BASE_DIR / "tests" / "browser",)


def _depends_on_the_database(item) -> bool:
    if item.get_closest_marker("same_on_every_database") is not None:
        return False
    if any(Path(item.path).is_relative_to(folder) for folder in _SAME_ON_EVERY_DATABASE):
        return False
    return item.get_closest_marker("django_db") is not None or bool(_DATABASE_FIXTURES & set(item.fixturenames))


def pytest_addoption(parser):
    parser.addoption("--database-dependent-only", action="store_true",
                     help="run only the tests whose outcome can depend on the database engine")


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-dependent-only"):
        return
    kept, left_out = [], []
    for item in items:
        (kept if _depends_on_the_database(item) else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(autouse=True)
def throttles_start_empty():
    """No test inherits another's failed log-ins or autosaves (the counters live in this process)."""
    from django.core.cache import caches

    caches["throttle"].clear()


@pytest.fixture(autouse=True)
def channel_layer_of_its_own():
    """Each test's websockets get a channel layer object of their own. channels-redis lets one event loop at
    a time receive through a layer object, and two loops live in this process: the browser tests' server
    thread and the loop each consumer test opens."""
    from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

    channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_user("alice", password="correct-horse-battery")


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("mallory", password="correct-horse-battery")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def mini_pack(db):
    """The small test pack, loaded without judging its reference solution (tests that judge load it themselves)."""
    from questions.services import pack_load

    return pack_load(path=MINI_PACK, verify_reference=False).pack



@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and on PostgreSQL the other sessions on it hung up before it is
    dropped. Consumers reach the database from asgiref's pool threads, whose connections live on for
    CONN_MAX_AGE after their test; a DROP DATABASE with them open fails ("being accessed by other
    users") and leaves test_test behind. Only this run's own connections are on that database."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'])}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start `celery worker` as its own process and wait until it says it is ready."""
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "SANDBOX_QUEUE": settings.SANDBOX_QUEUE,
        "PYTHONUNBUFFERED": "1",
    }
    node = f"test-{uuid.uuid4().hex[:8]}@%h"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "interviewprep", "worker", "--queues", settings.SANDBOX_QUEUE,
             "--concurrency", "2", "--loglevel", "INFO", "--hostname", node,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b" ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.2)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_final(submission, timeout: float = 60.0):
    """Poll the database until the worker has finished the submission."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        submission.refresh_from_db()
        if submission.is_final:
            return submission
        time.sleep(0.1)
    pytest.fail(f"submission {submission.pk} still {submission.status} after {timeout} s")


@pytest.fixture
def partner(db):
    """The other person of a paired session (joins through the invite)."""
    return get_user_model().objects.create_user("bob", password="correct-horse-battery")


@pytest.fixture
def partner_client(partner):
    client = Client()
    client.force_login(partner)
    return client


@pytest.fixture
def outsider_client(outsider):
    client = Client()
    client.force_login(outsider)
    return client
