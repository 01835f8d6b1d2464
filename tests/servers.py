"""Helpers for tests that start a real server process and talk to it over loopback."""

import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connect_when_listening(process: subprocess.Popen, port: int, what: str, timeout: float = 60) -> socket.socket:
    """A connection to the server `process` starts on `port`; fails the test if it dies or never listens."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=30)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start")
            time.sleep(0.2)


class ThreadedASGIServer:
    """The ASGI application (HTTP and the live rounds' websockets) served by uvicorn in a thread of the
    test process, so it shares the test database the way pytest-django's live server does.

    Static files are served from the finders, as `make run` serves them.
    """

    def __init__(self):
        import threading

        import uvicorn
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from interviewprep.asgi import application
        from interviewprep.asgi_worker import Worker

        async def app(scope, receive, send):
            target = static_app if scope["type"] == "http" else application
            await target(scope, receive, send)

        static_app = ASGIStaticFilesHandler(application)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Production's uvicorn settings (interviewprep/asgi_worker.py), in one process.
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                **{**Worker.CONFIG_KWARGS, "loop": "asyncio"})
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="asgi-live-server", daemon=True)
        # pytest-django's `_live_server_helper` enables this around each test that uses `live_server`.
        from django.test.utils import modify_settings

        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})

    def start(self) -> "ThreadedASGIServer":
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the ASGI live server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __str__(self) -> str:
        return self.url
