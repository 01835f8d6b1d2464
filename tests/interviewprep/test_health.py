"""The readiness endpoint, against the real database, the real Redis broker and a real worker."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.worker
def test_it_reports_everything_up_with_a_live_worker(client, celery_worker):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["broker"] == "ok" and body["workers"] >= 1
    assert "no-cache" in response["Cache-Control"]


def test_it_reports_an_unreachable_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unreachable", "workers": 0}


def test_it_refuses_post(client):
    assert client.post("/health/").status_code == 405
