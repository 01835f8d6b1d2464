"""Security headers on every page, and `check --deploy` clean with production settings."""

import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import BASE_DIR


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline scripts, no other origins
    assert directives["style-src"] == "'self'"  # a nonce joins only on pages that use one
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "http" not in policy  # no third-party origin anywhere
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_no_page_has_an_inline_script(client, owner, mini_pack):
    from questions.models import Question
    from sessions.rounds.starting import session_start

    client.force_login(owner)
    stage_round = session_start(owner=owner, question=Question.objects.get(slug="sum-two")).rounds.get()
    for url in ("/", "/questions/", "/questions/sum-two/", "/loops/mini/alpha/", "/accounts/password/",
                f"/practice/rounds/{stage_round.pk}/"):
        html = client.get(url).content.decode()
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), f"inline script on {url}"
        assert " onclick=" not in html and " onload=" not in html
        assert "{#" not in html and "{%" not in html, f"template syntax leaked as text on {url}"
    # The round page's editor injects styles, so its policy carries this request's nonce.
    response = client.get(f"/practice/rounds/{stage_round.pk}/")
    nonce = response.content.decode().split('data-csp-nonce="', 1)[1].split('"', 1)[0]
    assert f"style-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
        "SECRET_KEY": "prod-" + "k3y-with-enough-entropy-" * 3,
        "ALLOWED_HOSTS": "interviews.example.com",
        "SECURE_COOKIES": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "1",
        "INTERVIEWPREP_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/health/live/"])
def test_it_answers_a_host_it_does_not_serve_with_a_400_page(path):
    # The 400 page renders before the authentication middleware has run: it used to be a 500.
    response = Client(raise_request_exception=False).get(path, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
