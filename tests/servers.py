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
