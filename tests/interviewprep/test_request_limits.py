"""The request-size cap: refused from the headers, before anything reads the body, on every page."""

import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from interviewprep.asgi_worker import MAX_REQUEST_HEAD_BYTES, MAX_WEBSOCKET_MESSAGE_BYTES, Worker
from interviewprep.launch import web_command
from tests.conftest import BASE_DIR
from tests.servers import connect_when_listening, free_port

MB = 1024 * 1024


class UnreadableBody:
    """Stands in for the client's socket: a body that must never be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_declaring(client, path, length: int, **extra):
    return client.generic("POST", path, **{"CONTENT_LENGTH": str(length), "wsgi.input": UnreadableBody(), **extra})


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/practice/start/", "/health/live/", "/no/such/page/"])
def test_it_refuses_a_200_mb_post_without_reading_it(path):
    response = post_declaring(Client(), path, 200 * MB)
    assert response.status_code == 413
    assert response.content.decode().startswith("The request is too large: at most 1 MB may be sent here.")


@pytest.mark.django_db
def test_it_lets_the_import_page_take_more_but_not_without_limit(owner_client):
    assert post_declaring(owner_client, "/practice/import/", 200 * MB).status_code == 413
    # 5 MB is past the default cap but within the import page's: the view reads it and judges the file.
    response = owner_client.post("/practice/import/", {"file": SimpleUploadedFile("export.json", b"[" * (5 * MB))})
    assert response.status_code == 400
    assert "nothing was imported" in response.content.decode().lower()


@pytest.mark.django_db
def test_it_refuses_a_chunked_body_with_a_411():
    response = post_declaring(Client(), "/accounts/login/", 0, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_content_length_that_is_not_a_number():
    assert post_declaring(Client(), "/accounts/login/", -5).status_code == 400


@pytest.mark.django_db
def test_it_leaves_ordinary_posts_alone(client, owner):
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 302


PRODUCTION_SERVER = ["-m", "gunicorn", "interviewprep.asgi:application", "--worker-class",
                     "interviewprep.asgi_worker.Worker", "--workers", "1"]


def _production_server(tmp_path, which="production"):
    """The web container's command (gunicorn managing uvicorn workers), or `make run`'s (uvicorn in one
    process), on a free loopback port."""
    port = free_port()
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "INTERVIEWPREP_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PATH": "/usr/bin:/bin"}
    argv = ([*PRODUCTION_SERVER, "--bind", f"127.0.0.1:{port}"] if which == "production"
            else web_command(port)[1:])
    server = subprocess.Popen([sys.executable, *argv], cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    return server, port


@pytest.mark.parametrize("which", ["production", "make run"])
def test_the_server_answers_413_before_the_body_is_sent(tmp_path, which):
    """The answer comes while the client has sent only the headers (under ASGI, Django itself would read
    the whole body before its first middleware ran)."""
    server, port = _production_server(tmp_path, which)
    try:
        with connect_when_listening(server, port, "gunicorn") as conn:
            conn.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: 209715200\r\n\r\n")
            answer = conn.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_production_server_refuses_an_oversized_request_head(tmp_path):
    """uvicorn's h11 parser stops reading at MAX_REQUEST_HEAD_BYTES (interviewprep/asgi_worker.py)."""
    server, port = _production_server(tmp_path)
    try:
        with connect_when_listening(server, port, "gunicorn") as conn:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"X-Filler: " + b"a" * (MAX_REQUEST_HEAD_BYTES + 1024))
            answer = conn.recv(4096)
        assert answer.startswith(b"HTTP/1.1 4"), answer[:100]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_production_runs_the_asgi_worker_that_carries_the_limits():
    from tests.deploy.test_compose import DOCKERFILE, SERVICES, _commands

    (compose_argv,) = _commands(SERVICES["web"])
    assert compose_argv[compose_argv.index("--worker-class") + 1] == "interviewprep.asgi_worker.Worker"
    assert '"--worker-class", "interviewprep.asgi_worker.Worker"' in DOCKERFILE
    assert Worker.CONFIG_KWARGS["http"] == "h11"  # the parser whose head limit is set
    assert Worker.CONFIG_KWARGS["h11_max_incomplete_event_size"] == MAX_REQUEST_HEAD_BYTES
    assert Worker.CONFIG_KWARGS["ws_max_size"] == MAX_WEBSOCKET_MESSAGE_BYTES
