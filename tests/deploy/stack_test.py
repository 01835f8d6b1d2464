"""The production stack, run for real (``make stack-test``; root, Docker and docker-compose, several minutes).

From a clean clone of this repository's HEAD, with a generated .env: build the images, start the stack, wait
until every service is healthy, then through HTTP only (web -> Redis -> worker -> PostgreSQL): sign up, start a
coding round, Run and Submit a solution in each language, end the round. Then: three workers share runs; a
worker killed with SIGKILL mid-run has its run finished by another; Redis and PostgreSQL restart in turn with
nothing lost; a pg_dump restores into a fresh volume with the same sessions; an upgrade rebuilds and restarts,
migrate running before the new web and worker; a second Compose project, as another machine, runs a worker
against the published Redis and PostgreSQL. Also: static files' cache headers, image sizes, build times, and
the sandbox's own test suite inside the worker container. Everything is torn down at the end, pass or fail.

Only loopback addresses are used. Not part of `make test`. Exit status 0 when every step passed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stack_http import (BASE, PORT, SLOW, SOLUTIONS, USERS, Browser, StepFailed, check, queue_run, sign_up,
                        start_coding_round, verdict_line, wait_result)

REPO = Path(__file__).resolve().parents[2]
PROJECT = os.environ.get("STACK_TEST_PROJECT", "ipstack")
REMOTE_PROJECT = PROJECT + "-m2"
REDIS_PORT = int(os.environ.get("STACK_TEST_REDIS_PORT", "16379"))
POSTGRES_PORT = int(os.environ.get("STACK_TEST_POSTGRES_PORT", "15432"))
PUBLISH = ["-f", "docker-compose.yml", "-f", "deploy/compose.publish.yml"]


figures: list[tuple[str, str]] = []
failures: list[str] = []


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def figure(name: str, value) -> None:
    figures.append((name, str(value)))
    log(f"  figure: {name} = {value}")


def run(argv: list[str], cwd: Path | None = None, check_rc: bool = True, timeout: float = 1800,
        input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, input=input,
                          env={**os.environ, **(env or {})})
    if check_rc and proc.returncode != 0:
        raise StepFailed(f"{' '.join(argv[:6])}... exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    return proc


class Stack:
    """One Compose project in its own directory."""

    def __init__(self, directory: Path, project: str, files: list[str] | None = None):
        self.directory, self.project, self.files = directory, project, files or []

    def compose(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return run(["docker-compose", "-p", self.project, *self.files, *args], cwd=self.directory, **kwargs)

    def container_ids(self, service: str) -> list[str]:
        return self.compose("ps", "-q", service).stdout.split()

    def sql(self, query: str) -> list[list[str]]:
        out = self.compose("exec", "-T", "postgres", "psql", "-U", "interviewprep", "-d", "interviewprep", "-At",
                           "-F", "\t", "-c", query).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def wait_healthy(self, services: list[str], timeout: float = 420) -> float:
        start = time.monotonic()
        while True:
            states = {}
            for service in services:
                for cid in self.container_ids(service) or [""]:
                    if not cid:
                        states[f"{service}(none)"] = "missing"
                        continue
                    info = json.loads(run(["docker", "inspect", cid]).stdout)[0]["State"]
                    health = info.get("Health", {}).get("Status")
                    states[f"{service}:{cid[:8]}"] = health or info["Status"]
            if all(state == "healthy" for state in states.values()):
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise StepFailed(f"not healthy after {timeout:.0f} s: {states}")
            time.sleep(3)


def submission_rows(stack: Stack, ids: list[int]) -> dict[int, dict]:
    rows = stack.sql("SELECT id, status, verdict, worker, attempts FROM interview_sessions_submission "
                     f"WHERE id IN ({','.join(map(str, ids))})")
    return {int(r[0]): {"status": r[1], "verdict": r[2], "worker": r[3], "attempts": int(r[4])} for r in rows}


def node_of(worker_label: str) -> str:
    """A claim label's Celery node name (sessions.runs.liveness: node, then the pool process)."""
    return re.split(r"[:#/ ]", worker_label.split("@", 1)[1], maxsplit=1)[0] if "@" in worker_label else worker_label


def write_env(directory: Path, **overrides: str) -> dict[str, str]:
    text = (directory / ".env.example").read_text()
    db_password, redis_password = secrets.token_hex(16), secrets.token_hex(16)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50).replace("-", "x"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "CSRF_TRUSTED_ORIGINS": BASE,
        "SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "0", "TRUST_X_FORWARDED_PROTO": "0", "TRUSTED_PROXY_COUNT": "0",
        "PORT": str(PORT), "HEALTH_TOKEN": secrets.token_hex(20),
        # Many runs from few users in a few minutes: the per-user limits would refuse them.
        "RUN_MAX_QUEUED_PER_USER": "100", "RUN_RATE_PER_MINUTE": "1000", "SIGNUPS_PER_ADDRESS": "100",
        "REDIS_PUBLISHED_PORT": str(REDIS_PORT), "POSTGRES_PUBLISHED_PORT": str(POSTGRES_PORT),
        **overrides,
    }
    text = text.replace("change-me-db-password", db_password).replace("change-me-redis-password", redis_password)
    lines = []
    for line in text.splitlines():
        name = line.lstrip("# ").split("=", 1)[0] if "=" in line else ""
        if name in values and re.fullmatch(r"#?\s*[A-Z][A-Z0-9_]*=.*", line):
            line = f"{name}={values.pop(name)}"
        lines.append(line)
    lines += [f"{name}={value}" for name, value in values.items()]
    (directory / ".env").write_text("\n".join(lines) + "\n")
    env = dict(line.split("=", 1) for line in lines if line and not line.startswith("#") and "=" in line)
    return env


def health(browser: Browser, token: str) -> dict:
    status, _, body, _ = browser.get("/health/", headers={"X-Health-Token": token})
    return {"http_status": status, **(json.loads(body) if body.startswith("{") else {"body": body})}


# --- the steps -------------------------------------------------------------------------------------------------

def step_build(stack: Stack) -> None:
    start = time.monotonic()
    stack.compose("build", timeout=3600)
    figure("build time, both images (layer cache as found)", f"{time.monotonic() - start:.0f} s")
    for image in ("interviewprep-web", "interviewprep-worker"):
        size = json.loads(run(["docker", "image", "inspect", image]).stdout)[0]["Size"]
        figure(f"image size {image}", f"{size / 1e6:.0f} MB")


def step_up(stack: Stack, env: dict) -> None:
    start = time.monotonic()
    stack.compose("up", "-d")
    stack.wait_healthy(["web", "worker", "beat", "redis", "postgres"])
    figure("up to all healthy", f"{time.monotonic() - start:.0f} s")
    migrate = json.loads(run(["docker", "inspect", stack.container_ids("migrate")[0]]).stdout)[0]["State"]
    check(migrate["Status"] == "exited" and migrate["ExitCode"] == 0, f"migrate: {migrate}")
    state = health(Browser(), env["HEALTH_TOKEN"])
    check(state["http_status"] == 200 and state["workers_with_working_sandbox"] >= 1, f"/health/: {state}")
    figure("/health/ detail", json.dumps(state, sort_keys=True))


def step_sandbox_check(stack: Stack) -> None:
    report = json.loads(stack.compose("exec", "-T", "worker", "python", "-m", "sandbox", "check").stdout)
    check(report["ok"], f"sandbox check in the worker: {report['message']}")
    figure("worker sandbox", f"cgroup v{report['cgroup_version']}, memory limited by {report['memory_limit_by']}, "
                             f"probe {report['probe']}")


def step_sandbox_suite(stack: Stack) -> None:
    """The sandbox's whole suite (hostile programs included) inside a worker container, under its grants."""
    start = time.monotonic()
    proc = stack.compose(
        "run", "--rm", "--no-deps", "-v", f"{stack.directory / 'tests'}:/app/tests:ro", "-e", "PYTHONDONTWRITEBYTECODE=1",
        "worker", "sh", "-c",
        "pip install --quiet --no-cache-dir --constraint requirements.lock pytest pytest-django >/dev/null 2>&1 && "
        "python -m pytest -p no:cacheprovider -q tests/sandbox", check_rc=False, timeout=1800)
    summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
    check(proc.returncode == 0, f"sandbox suite in the worker container failed:\n{proc.stdout[-4000:]}")
    figure("sandbox suite in the worker container", f"{summary} ({time.monotonic() - start:.0f} s)")


def step_journey(stack: Stack) -> tuple[Browser, int]:
    browser = sign_up("stack-" + secrets.token_hex(4))
    round_id = start_coding_round(browser)
    for language, code in SOLUTIONS.items():
        start = time.monotonic()
        verdicts = []
        for kind in ("run", "submit"):
            fragment = wait_result(browser, queue_run(browser, round_id, language, code, kind=kind))
            verdicts.append(verdict_line(fragment))
        check(verdicts[0].startswith("Run: Examples passed") and verdicts[1].startswith("Submit: All tests passed"),
              f"{language}: {verdicts}")
        figure(f"journey {language}: Run and Submit", f"{verdicts[1]} ({time.monotonic() - start:.1f} s)")
    return browser, round_id


def step_end_round(browser: Browser, round_id: int) -> None:
    status, url, body, _ = browser.post(f"/practice/rounds/{round_id}/end/", {})
    check(status == 200 and "/summary/" in url and "Round summary" in body, f"end round: {status} {url}")
    check("AC" in body, "the summary lists the accepted submissions")
    figure("end round", "summary page lists the runs")


def step_browser() -> None:
    """tests/deploy/stack_browser.py in Chromium, with an interpreter that has Playwright."""
    python = os.environ.get("STACK_TEST_BROWSER_PYTHON") or str(REPO / ".venv" / "bin" / "python")
    if not (os.path.exists(python) and run([python, "-c", "import playwright"], check_rc=False).returncode == 0):
        figure("browser journey", "not run: no Python with Playwright (set STACK_TEST_BROWSER_PYTHON)")
        raise StepFailed("no Python with Playwright for the browser journey")
    start = time.monotonic()
    proc = run([python, str(REPO / "tests" / "deploy" / "stack_browser.py"), BASE], check_rc=False, timeout=600)
    check(proc.returncode == 0, f"browser journey failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    steps = "; ".join(proc.stdout.strip().splitlines())
    figure("browser journey (Chromium)", f"{steps} ({time.monotonic() - start:.0f} s)")


def worker_nodes(stack: Stack) -> dict[str, str]:
    """Container hostname (the node's %h) -> container id, for the running worker containers."""
    nodes = {}
    for cid in stack.container_ids("worker"):
        info = json.loads(run(["docker", "inspect", cid]).stdout)[0]
        if info["State"]["Running"]:
            nodes[info["Config"]["Hostname"]] = cid
    return nodes


def step_scale(stack: Stack, browser: Browser, round_id: int) -> None:
    stack.compose("up", "-d", "--no-recreate", "--scale", "worker=3")
    stack.wait_healthy(["worker"])
    nodes = worker_nodes(stack)
    check(len(nodes) == 3, f"three workers: {nodes}")
    ids = USERS.finish(USERS.queue(12, SLOW, "1.5"))
    rows = submission_rows(stack, ids)
    spread: dict[str, int] = {}
    for row in rows.values():
        check(row["status"] == "done" and row["verdict"] == "OK", f"run: {row}")
        spread[node_of(row["worker"])] = spread.get(node_of(row["worker"]), 0) + 1
    check(len(spread) == 3 and set(spread) <= set(nodes), f"12 runs over the workers: {spread}")
    figure("12 runs of 1.5 s over 3 workers", ", ".join(f"{node[:12]}: {n}" for node, n in sorted(spread.items())))


def step_kill_worker(stack: Stack, browser: Browser, round_id: int) -> None:
    sid = queue_run(browser, round_id, "python", SLOW, stdin="3")  # within the question's 4 s wall limit
    deadline = time.monotonic() + 60
    row = {}
    while time.monotonic() < deadline:
        row = submission_rows(stack, [sid]).get(sid, {})
        if row.get("status") == "running" and row.get("worker"):
            break
        time.sleep(0.3)
    check(row.get("status") == "running", f"the slow run never started: {row}")
    victim_node = node_of(row["worker"])
    victim = worker_nodes(stack)[victim_node]
    # The restart policy would bring the same container (and node) back: this machine is gone for good.
    run(["docker", "update", "--restart", "no", victim])
    killed_at = time.monotonic()
    run(["docker", "kill", "--signal", "KILL", victim])
    fragment = wait_result(browser, sid, timeout=600)
    row = submission_rows(stack, [sid])[sid]
    check(row["status"] == "done" and row["verdict"] == "OK" and node_of(row["worker"]) != victim_node,
          f"after SIGKILL: {row} ({verdict_line(fragment)})")
    figure("worker SIGKILLed mid-run", f"run finished on {node_of(row['worker'])[:12]} after "
                                       f"{time.monotonic() - killed_at:.0f} s, attempt {row['attempts']}")
    run(["docker", "rm", "-f", victim])
    stack.compose("up", "-d", "--no-recreate", "--scale", "worker=3")
    stack.wait_healthy(["worker"])


def step_restart(stack: Stack, browser: Browser, round_id: int, service: str) -> None:
    queued = USERS.queue(6, SLOW, "1")
    start = time.monotonic()
    stack.compose("restart", service)
    stack.wait_healthy([service])
    down_for = time.monotonic() - start
    # A run handed to a worker in the instant Redis stops is redelivered after the visibility timeout, or
    # re-sent by the sweep after SUBMISSION_STALE_AFTER_S (both 300 s by default): wait that long, and say so.
    before = USERS.finish(queued, timeout=600)
    settled = time.monotonic() - start
    after = USERS.finish(USERS.queue(3, SLOW, "0.1"))
    rows = submission_rows(stack, before + after)
    bad = {sid: row for sid, row in rows.items() if (row["status"], row["verdict"]) != ("done", "OK")}
    check(len(rows) == 9 and not bad, f"after restarting {service}: {bad or rows}")
    figure(f"{service} restarted", f"6 runs queued just before: all OK, the last {settled:.0f} s after the restart "
                                   f"began; 3 queued after: all OK (restart to healthy {down_for:.0f} s)")


SESSIONS_QUERY = ("SELECT s.id, u.username, s.created_at, count(r.id) FROM interview_sessions_interviewsession s "
                  "JOIN auth_user u ON u.id = s.owner_id LEFT JOIN interview_sessions_round r ON r.session_id = s.id "
                  "GROUP BY s.id, u.username, s.created_at ORDER BY s.id")


def step_backup_restore(stack: Stack, env: dict, work: Path) -> None:
    dump = work / "backup.dump"
    with open(dump, "wb") as out:
        proc = subprocess.run(["docker-compose", "-p", stack.project, "exec", "-T", "postgres", "pg_dump", "-U",
                               "interviewprep", "-Fc", "interviewprep"], cwd=stack.directory, stdout=out,
                              stderr=subprocess.PIPE, timeout=300)
    check(proc.returncode == 0 and dump.stat().st_size > 0, f"pg_dump: {proc.stderr.decode()[-500:]}")
    original = stack.sql(SESSIONS_QUERY)
    name, volume = f"{PROJECT}-restore", f"{PROJECT}-restore-data"
    run(["docker", "volume", "create", volume])
    try:
        run(["docker", "run", "-d", "--name", name, "-e", "POSTGRES_USER=interviewprep", "-e",
             f"POSTGRES_PASSWORD={env['POSTGRES_PASSWORD']}", "-e", "POSTGRES_DB=interviewprep", "-v",
             f"{volume}:/var/lib/postgresql/data", "postgres:17-bookworm"])
        deadline = time.monotonic() + 120
        while run(["docker", "exec", name, "pg_isready", "-U", "interviewprep", "-d", "interviewprep"],
                  check_rc=False).returncode != 0:
            check(time.monotonic() < deadline, "the fresh PostgreSQL did not start")
            time.sleep(1)
        time.sleep(2)  # the image's first start restarts the server once after creating the database
        while run(["docker", "exec", name, "pg_isready", "-U", "interviewprep", "-d", "interviewprep"],
                  check_rc=False).returncode != 0:
            time.sleep(1)
        with open(dump, "rb") as source:
            proc = subprocess.run(["docker", "exec", "-i", name, "pg_restore", "-U", "interviewprep", "-d",
                                   "interviewprep", "--no-owner"], stdin=source, capture_output=True, timeout=300)
        check(proc.returncode == 0, f"pg_restore: {proc.stderr.decode()[-1000:]}")
        out = run(["docker", "exec", name, "psql", "-U", "interviewprep", "-d", "interviewprep", "-At", "-F", "\t",
                   "-c", SESSIONS_QUERY]).stdout
        restored = [line.split("\t") for line in out.splitlines() if line]
        check(restored == original and original, f"restored sessions differ:\n{original}\n{restored}")
        figure("pg_dump -> fresh volume -> pg_restore", f"{len(original)} sessions identical, dump "
                                                        f"{dump.stat().st_size / 1e3:.0f} kB")
    finally:
        run(["docker", "rm", "-f", name], check_rc=False)
        run(["docker", "volume", "rm", "-f", volume], check_rc=False)


def step_upgrade(stack: Stack, browser: Browser, round_id: int) -> None:
    migrations = stack.directory / "sessions" / "migrations"
    latest = sorted(p.stem for p in migrations.glob("[0-9][0-9][0-9][0-9]_*.py"))[-1]
    name = "9999_stack_test_upgrade"
    (migrations / f"{name}.py").write_text(
        "from django.db import migrations\n\n\n"
        f"class Migration(migrations.Migration):\n    dependencies = [('interview_sessions', '{latest}')]\n"
        "    operations = []\n")
    start = time.monotonic()
    stack.compose("build", timeout=3600)
    rebuilt = time.monotonic() - start
    stack.compose("up", "-d", "--scale", "worker=3")
    stack.wait_healthy(["web", "worker", "beat"])
    figure("upgrade: rebuild after a code change", f"{rebuilt:.0f} s; up to healthy {time.monotonic() - start - rebuilt:.0f} s")
    applied = stack.sql(f"SELECT count(*) FROM django_migrations WHERE name = '{name}'")
    check(applied == [["1"]], f"the new migration was not applied: {applied}")

    def state(cid):
        return json.loads(run(["docker", "inspect", cid]).stdout)[0]["State"]

    migrate = state(stack.container_ids("migrate")[0])
    finished = migrate["FinishedAt"]
    for service in ("web", "worker"):
        for cid in stack.container_ids(service):
            check(state(cid)["StartedAt"] > finished, f"{service} started before migrate finished")
    sid = queue_run(browser, round_id, "python", SOLUTIONS["python"], kind="submit")
    check(verdict_line(wait_result(browser, sid)).startswith("Submit: All tests passed"), "a run after the upgrade")
    figure("upgrade order", f"migrate finished {finished[11:19]}, then new web and workers started; runs work")


def step_remote_worker(stack: Stack, browser: Browser, round_id: int, env: dict, work: Path) -> None:
    """Another machine: its own clone and .env, only the worker, on the published ports with the Redis password."""
    remote_dir = work / "machine2"
    shutil.copytree(stack.directory, remote_dir, ignore=shutil.ignore_patterns(".env"))
    host = "127.0.0.1"
    write_env(remote_dir, SECRET_KEY=env["SECRET_KEY"], POSTGRES_PASSWORD=env["POSTGRES_PASSWORD"],
              REDIS_PASSWORD=env["REDIS_PASSWORD"],
              DATABASE_URL=f"postgres://interviewprep:{env['POSTGRES_PASSWORD']}@{host}:{POSTGRES_PORT}/interviewprep",
              CELERY_BROKER_URL=f"redis://:{env['REDIS_PASSWORD']}@{host}:{REDIS_PORT}/0",
              CACHE_URL=f"redis://:{env['REDIS_PASSWORD']}@{host}:{REDIS_PORT}/1")
    remote = Stack(remote_dir, REMOTE_PROJECT, ["-f", "docker-compose.yml", "-f", "deploy/compose.remote-worker.yml"])
    wrong = run(["docker", "run", "--rm", "--network", "host", "redis:7-bookworm", "redis-cli", "-p", str(REDIS_PORT),
                 "ping"], check_rc=False)
    check("NOAUTH" in wrong.stdout + wrong.stderr, f"Redis answers without its password: {wrong.stdout}")
    try:
        remote.compose("up", "-d", "--no-deps", "worker", env={"REMOTE_WORKER_NETWORK": "host"})
        remote.wait_healthy(["worker"])
        remote_node = json.loads(run(["docker", "inspect", remote.container_ids("worker")[0]]).stdout)[0][
            "Config"]["Hostname"]
        stack.compose("stop", "worker")  # only the other machine can take the next runs
        ids = USERS.finish(USERS.queue(4, SLOW, "0.2"))
        rows = submission_rows(stack, ids)
        nodes = {node_of(row["worker"]) for row in rows.values()}
        check(all(row["verdict"] == "OK" for row in rows.values()) and nodes == {remote_node},
              f"runs on the other machine: {rows}")
        figure("second machine (own project, published 127.0.0.1 ports, Redis password)",
               f"4 of 4 runs OK on {remote_node}")
    finally:
        remote.compose("down", "-v", "--remove-orphans", check_rc=False, env={"REMOTE_WORKER_NETWORK": "host"})
        stack.compose("start", "worker", check_rc=False)


def step_static(browser: Browser) -> None:
    status, _, page, _ = browser.get("/accounts/login/")
    paths = re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', page)
    check(status == 200 and paths, "no hashed static file on the log-in page")
    status, _, _, headers = browser.get(paths[0], headers={"Accept-Encoding": "gzip"})
    cache = headers.get("Cache-Control", "")
    check(status == 200 and "max-age=315360000" in cache and "immutable" in cache, f"{paths[0]}: {cache}")
    figure("static file (hashed name) from WhiteNoise", f"{paths[0]}: Cache-Control {cache}")


def main() -> int:
    for tool in ("docker", "docker-compose", "git"):
        if not shutil.which(tool):
            print(f"{tool} is missing: install Docker and docker-compose first (README.md, Production)", file=sys.stderr)
            return 2
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="stack-test-"))
    src = work / "src"
    log(f"clean clone of {REPO} (HEAD) into {src}")
    run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(src)])
    head = run(["git", "rev-parse", "--short", "HEAD"], cwd=src).stdout.strip()
    env = write_env(src)
    stack = Stack(src, PROJECT, PUBLISH)
    browser, round_id = None, None
    steps = [
        ("build the images", lambda: step_build(stack)),
        ("start the stack and wait until healthy", lambda: step_up(stack, env)),
        ("sandbox check in the worker", lambda: step_sandbox_check(stack)),
        ("journey: sign up, coding round, Run and Submit in 4 languages", None),
        ("browser journey: sign up, coding round, Run, End round", step_browser),
        ("static files", lambda: step_static(Browser())),
        ("three workers share the runs", lambda: step_scale(stack, browser, round_id)),
        ("SIGKILL a worker mid-run", lambda: step_kill_worker(stack, browser, round_id)),
        ("restart Redis", lambda: step_restart(stack, browser, round_id, "redis")),
        ("restart PostgreSQL", lambda: step_restart(stack, browser, round_id, "postgres")),
        ("second machine", lambda: step_remote_worker(stack, browser, round_id, env, work)),
        ("pg_dump and restore into a fresh volume", lambda: step_backup_restore(stack, env, work)),
        ("upgrade: rebuild, migrate first", lambda: step_upgrade(stack, browser, round_id)),
        ("end the round", lambda: step_end_round(browser, round_id)),
        ("sandbox test suite inside the worker container", lambda: step_sandbox_suite(stack)),
    ]
    only = set(filter(None, os.environ.get("STACK_TEST_SKIP", "").split(",")))
    try:
        for index, (title, action) in enumerate(steps, 1):
            if str(index) in only:
                log(f"step {index}: {title}: skipped (STACK_TEST_SKIP)")
                continue
            log(f"step {index}: {title}")
            step_start = time.monotonic()
            try:
                if action is None:
                    browser, round_id = step_journey(stack)
                else:
                    action()
                log(f"step {index}: passed in {time.monotonic() - step_start:.0f} s")
            except Exception as error:  # noqa: BLE001 - report every failed step, go on where possible
                failures.append(f"step {index} ({title}): {error}")
                log(f"step {index}: FAILED: {error}")
                if index <= 4:
                    break  # nothing later can run without a stack and a round
    finally:
        log("tearing down")
        if os.environ.get("STACK_TEST_KEEP") != "1":
            stack.compose("down", "-v", "--remove-orphans", check_rc=False)
            shutil.rmtree(work, ignore_errors=True)
    print("\n== stack test figures", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), f"commit {head},",
          f"total {time.monotonic() - started:.0f} s")
    for name, value in figures:
        print(f"  {name}: {value}")
    if failures:
        print("== FAILED steps:")
        for failure in failures:
            print("  " + failure)
        return 1
    print("== every step passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
