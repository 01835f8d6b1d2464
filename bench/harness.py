"""What the benchmarks share: free ports, a scratch app, a signed-in session, and a tiny HTMX client."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from interviewprep.launch import BASE_DIR, DEFAULT_PACK, prepare_var_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
        return True
    except OSError:
        return False


def scratch_app(env: dict, var_dir: Path) -> None:
    """A new var/ made ready as `make run` makes it: migrated, with the throttles' table and the bundled
    pack (loaded, not judged), for servers started with `env`."""
    prepare_var_dir(var_dir)
    for args in (("migrate", "--no-input"), ("createcachetable",), ("load_pack", str(DEFAULT_PACK), "--no-verify")):
        subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
                       stdout=subprocess.DEVNULL)


def session_for(user) -> str:
    """A database session that logs `user` in, without going through the login form (needs Django set up)."""
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store.update({"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                  "_auth_user_hash": user.get_session_auth_hash()})
    store.create()
    return store.session_key


class HtmxClient:
    """Sends requests as the page's htmx would: session and CSRF cookies, CSRF and HX-Request headers."""

    def __init__(self, base: str, session_key: str, headers: dict[str, str] | None = None):
        self.base = base
        self.cookies = {"sessionid": session_key}
        self.headers = dict(headers or {})  # sent with every request (e.g. to tell clients apart in a server log)

    def request(self, path: str, data: dict | None = None, *, restart_grace_s: float = 0.0):
        """Returns (status, body, milliseconds, headers); status 0 when the connection failed.

        With `restart_grace_s`, connection errors are retried that long (a server that is
        restarting opens its port before its workers answer).
        """
        headers = {**self.headers, "HX-Request": "true",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        while True:
            try:
                response = urllib.request.urlopen(urllib.request.Request(self.base + path, body, headers), timeout=30)
                break
            except urllib.error.HTTPError as error:
                response = error
                break
            except OSError:
                if time.perf_counter() - started >= restart_grace_s:
                    return 0, "", (time.perf_counter() - started) * 1000, {}
                time.sleep(0.05)
        text = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, (time.perf_counter() - started) * 1000, response.headers
