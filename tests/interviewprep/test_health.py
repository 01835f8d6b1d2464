"""The readiness endpoint, against the real database, the real Redis broker and a real worker."""

import pytest
from django.contrib.auth import get_user_model

from interviewprep import health

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "monitor-" + "t" * 32


@pytest.fixture(autouse=True)
def fresh_ping(settings):
    settings.HEALTH_TOKEN = TOKEN
    health._worker_ping.clear()
    yield
    health._worker_ping.clear()


@pytest.fixture
def staff_client(client):
    client.force_login(get_user_model().objects.create_user("ops", password="x", is_staff=True))
    return client


@pytest.mark.worker
def test_it_reports_everything_up_with_a_live_worker(staff_client, celery_worker):
    response = staff_client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["broker"] == "ok" and body["workers"] >= 1
    assert body["workers_with_working_sandbox"] >= 1
    assert any(state == {"ok": True, "message": "ok"} for state in body["sandbox"].values()), body
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.worker
def test_it_tells_anonymous_callers_only_the_status(client, celery_worker):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok" and response["Content-Type"].startswith("text/plain")


@pytest.mark.worker
def test_it_pings_the_workers_at_most_once_in_five_seconds(client, settings, celery_worker):
    assert client.get("/health/").status_code == 200
    pinged_at, workers = health._worker_ping[settings.CELERY_BROKER_URL]
    assert len(workers) >= 1
    assert client.get("/health/").status_code == 200
    assert health._worker_ping[settings.CELERY_BROKER_URL] == (pinged_at, workers)  # answered from the cache
    # Once the answer is five seconds old, the next request pings again.
    health._worker_ping[settings.CELERY_BROKER_URL] = (pinged_at - health.WORKER_PING_CACHE_S, workers)
    assert client.get("/health/").status_code == 200
    assert health._worker_ping[settings.CELERY_BROKER_URL][0] > pinged_at - health.WORKER_PING_CACHE_S


def test_it_reports_an_unreachable_broker_to_a_token_holder(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    response = client.get("/health/", headers={"X-Health-Token": TOKEN})
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unreachable", "workers": 0,
                               "workers_with_working_sandbox": 0, "sandbox": {}}


@pytest.mark.parametrize("headers", [{}, {"X-Health-Token": "wrong"}, {"X-Health-Token": ""}])
def test_it_gives_anonymous_callers_and_wrong_tokens_no_details(client, settings, headers):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/health/", headers=headers)
    assert response.status_code == 503
    assert response.content == b"unavailable"


def test_it_ignores_the_header_when_no_token_is_configured(client, settings):
    settings.HEALTH_TOKEN = ""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/health/", headers={"X-Health-Token": ""})
    assert response.status_code == 503 and response.content == b"unavailable"


def test_it_refuses_post(client):
    assert client.post("/health/").status_code == 405
