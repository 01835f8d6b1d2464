"""Invite and share tokens never reach a log line: Django's warnings and both servers' access logs show the route."""

import logging
import secrets
import subprocess
import sys
import time

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from interviewprep.launch import web_command
from interviewprep.log_redaction import REDACTED, redact
from tests.conftest import BASE_DIR
from tests.servers import connect_when_listening, free_port


def _token() -> str:
    return secrets.token_urlsafe(32)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/shared/{}/", "/shared/{}/rounds/1/replay/", "/practice/join/{}/"])
def test_django_warnings_show_the_route_not_the_token(client, caplog, path):
    token = _token()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(path.format(token)).status_code == 404
    assert caplog.records, "the 404 was not logged at all"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert token not in logged
    assert path.format(REDACTED) in logged


def _token_routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _token_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and "token" in pattern.pattern.converters:
            yield pattern


def test_every_route_with_a_token_is_redacted():
    routes = list(_token_routes(get_resolver().url_patterns))
    assert {route.name for route in routes} >= {"join", "shared_review", "shared_replay"}
    for route in routes:
        token = _token()
        kwargs = {name: (token if name == "token" else 1) for name in route.pattern.converters}
        url = reverse(route.name, kwargs=kwargs)
        assert token not in redact(f'"GET {url} HTTP/1.1" 404 179'), route.name


def test_it_leaves_other_paths_alone():
    assert redact('"GET /practice/sessions/4/share/ HTTP/1.1" 200') == '"GET /practice/sessions/4/share/ HTTP/1.1" 200'


SERVERS = {
    "runserver": lambda port: [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
    "gunicorn": lambda port: [sys.executable, "-m", "gunicorn", "interviewprep.wsgi:application",
                              "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-"],
    "make run": lambda port: web_command(port),
    # Production's: gunicorn managing uvicorn workers that serve the ASGI application (Dockerfile).
    "gunicorn-uvicorn": lambda port: [sys.executable, "-m", "gunicorn", "interviewprep.asgi:application",
                                      "--worker-class", "interviewprep.asgi_worker.Worker",
                                      "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-"],
}


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_access_logs_show_the_route_not_the_token(tmp_path, server):
    port, token = free_port(), _token()
    log_path = tmp_path / "server.log"
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "INTERVIEWPREP_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(SERVERS[server](port), cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        with connect_when_listening(process, port, f"{server} (log: {log_path})") as conn:
            # The Referer too: a shared page's own links and assets send its address (gunicorn logs it).
            conn.sendall(f"GET /shared/{token}/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                         f"Referer: http://localhost/shared/{token}/\r\n\r\n".encode())
            assert conn.recv(4096).startswith(b"HTTP/1.1 404")
        while f"/shared/{REDACTED}/" not in log_path.read_text():
            if time.monotonic() > deadline:
                pytest.fail(f"no access log line for the request:\n{log_path.read_text()}")
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert token not in log_path.read_text()
