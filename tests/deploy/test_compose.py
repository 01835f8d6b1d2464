"""The production stack's files (docker-compose.yml, Dockerfile, .env.example) checked against the code.

No Docker engine is needed: the YAML is parsed with PyYAML, commands are resolved against the real
entry points (modules, the Celery app, Django's management commands), and every environment variable
the stack sets must be one the code reads. What these tests cannot show is that the containers run.
"""

import importlib
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from celery.app.utils import find_app
from celery.bin.celery import celery as celery_cli
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

from interviewprep import views

BASE_DIR = Path(__file__).resolve().parent.parent.parent
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
ENV_EXAMPLE_TEXT = (BASE_DIR / ".env.example").read_text()

# Variables the stack may set that the app does not read: other programs consume them.
CONSUMED_ELSEWHERE = {
    "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB",  # the postgres image (and Compose interpolation)
    "REDIS_PASSWORD",  # the redis service's --requirepass (Compose interpolation)
    "WEB_CONCURRENCY",  # gunicorn reads it itself
    "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE",  # the Python interpreter
    "DJANGO_SETTINGS_MODULE",  # Django
    "PATH",  # the shell, for the venv
}
_ENV_READ = re.compile(
    r"""\b(?:env_str|env_bool|env_int|env_float|env_list|env_json_list)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
    r"""|os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)
_INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


class MissingRequiredVariable(Exception):
    pass


def _variables_the_code_reads() -> set[str]:
    names = set()
    for path in [*(BASE_DIR / "interviewprep").glob("*.py"), *(BASE_DIR / "sandbox").glob("*.py")]:
        for match in _ENV_READ.finditer(path.read_text()):
            names.add(next(group for group in match.groups() if group))
    return names


def _dotenv(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


ENV_EXAMPLE = _dotenv(ENV_EXAMPLE_TEXT)


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error} and $$."""
    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, argument = match.group(2), match.group(3)
        current = env.get(name)
        unset = current is None or (current == "" and operator is not None and operator.startswith(":"))
        if operator in (":-", "-") and unset:
            return argument
        if operator in (":?", "?") and unset:
            raise MissingRequiredVariable(f"{name}: {argument}")
        return current or ""

    return _INTERPOLATION.sub(replace, value)


def _argv(value) -> list[str]:
    return list(value) if isinstance(value, list) else shlex.split(value)


def _commands(service: dict) -> list[list[str]]:
    """Each program a service's entrypoint + command starts; `sh -c` scripts are split on && and ;."""
    argv = _argv(service.get("entrypoint", [])) + _argv(service.get("command", []))
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in re.split(r"&&|;", argv[2]) if part.strip()]
    return [argv] if argv else []


def _healthcheck_commands(service: dict) -> list[list[str]]:
    """The commands of a health check; a shell one may chain several with &&."""
    test = service["healthcheck"]["test"]
    if isinstance(test, str) or test[0] == "CMD-SHELL":
        line = test if isinstance(test, str) else test[1]
        return [shlex.split(part) for part in _split_and(line)]
    assert test[0] == "CMD", test
    return [test[1:]]


def _split_and(line: str) -> list[str]:
    """``a && b`` -> ["a", "b"], leaving && inside quotes alone."""
    parts, current, quote = [], "", None
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif line.startswith("&&", index):
            parts.append(current)
            current, index = "", index + 2
            continue
        current += char
        index += 1
    return [part for part in parts + [current] if part.strip()]


def _healthcheck_command(service: dict) -> list[str]:
    """The last command of a health check (the one that decides when several are chained)."""
    return _healthcheck_commands(service)[-1]


def _app_services() -> dict[str, dict]:
    return {name: service for name, service in SERVICES.items() if "build" in service}


def _option(argv: list[str], *names: str) -> str | None:
    for index, word in enumerate(argv):
        if word in names:
            return argv[index + 1]
        for name in names:
            if name.startswith("--") and word.startswith(name + "="):
                return word.split("=", 1)[1]
    return None


def _assert_entry_point(argv: list[str]) -> None:
    """The program and what it names (module, app, subcommand, management command) exist."""
    program = argv[0]
    if program == "gunicorn":
        # The application is the one positional word shaped like module.path[:attribute].
        target = next(word for word in argv[1:] if re.fullmatch(r"[A-Za-z_][\w.]*(:[A-Za-z_]\w*)?", word))
        module_name, _, attribute = target.partition(":")
        module = importlib.import_module(module_name)
        assert callable(getattr(module, attribute or "application")), target
        assert f"{module_name}.{attribute or 'application'}" == settings.ASGI_APPLICATION
        worker_module, _, worker_class = _option(argv, "--worker-class", "-k").rpartition(".")
        assert isinstance(getattr(importlib.import_module(worker_module), worker_class), type), argv
    elif program == "celery":
        app_name = _option(argv, "-A", "--app")
        assert find_app(app_name) is importlib.import_module("interviewprep.celery").app
        subcommand = next(word for word in argv[argv.index(app_name) + 1:] if not word.startswith("-"))
        assert subcommand in celery_cli.commands, subcommand
    elif program == "python" and argv[1] == "manage.py":
        assert argv[2] in get_commands(), f"manage.py has no command {argv[2]!r}"
        if argv[2] == "load_pack":
            assert (BASE_DIR / argv[3] / "pack.yaml").is_file(), argv[3]
    elif program == "python" and argv[1] == "-c":
        compile(argv[2], "<healthcheck>", "exec")
    elif program == "python" and argv[1:3] == ["-m", "sandbox"]:
        from sandbox.__main__ import main

        with pytest.raises(SystemExit) as exit_info:
            main([*argv[3:], "--help"])
        assert exit_info.value.code == 0, argv
    else:
        pytest.fail(f"unknown entry point {argv!r}")


def _dockerfile_stage(name: str) -> str:
    stages = re.split(r"^(?=FROM )", DOCKERFILE, flags=re.M)
    return next(stage for stage in stages if re.match(rf"FROM \S+ AS {name}\b", stage))


def test_it_defines_the_production_services():
    assert {"web", "worker", "beat", "migrate", "redis", "postgres"} <= set(SERVICES)


def test_it_builds_web_from_the_web_target_and_worker_from_the_worker_target():
    assert SERVICES["web"]["build"]["target"] == "web"
    assert SERVICES["worker"]["build"]["target"] == "worker"
    for name in ("beat", "migrate"):
        assert SERVICES[name]["build"]["target"] == "web", f"{name} never runs user code"


def test_it_starts_every_app_service_with_a_real_entry_point():
    for name, service in _app_services().items():
        commands = _commands(service)
        assert commands, f"{name} has no command"
        for argv in commands:
            _assert_entry_point(argv)


def test_it_health_checks_app_services_with_real_entry_points():
    for name in _app_services():
        for command in _healthcheck_commands(SERVICES[name]):
            _assert_entry_point(command)


def test_it_serves_the_asgi_application_with_gunicorn_and_uvicorn_workers():
    """HTTP and the live rounds' websockets from one port; the worker class carries the header limits."""
    (argv,) = _commands(SERVICES["web"])
    assert argv[0] == "gunicorn"
    assert "interviewprep.asgi:application" in argv
    assert _option(argv, "--worker-class", "-k") == "interviewprep.asgi_worker.Worker"
    assert _option(argv, "--bind", "-b") == "0.0.0.0:8000"
    dockerfile_cmd = re.search(r'^CMD \[(.*?)\]$', _dockerfile_stage("web"), flags=re.M | re.S).group(1)
    assert '"interviewprep.asgi:application"' in dockerfile_cmd and '"interviewprep.asgi_worker.Worker"' in dockerfile_cmd


def test_it_points_the_web_healthcheck_at_the_liveness_view():
    code = _healthcheck_command(SERVICES["web"])[-1]
    host, path = re.search(r"HTTPConnection\('([^']+)', 8000", code).group(1), re.search(r"'(/[^']*)'", code).group(1)
    assert resolve(path).func is views.health_live
    assert host in ENV_EXAMPLE["ALLOWED_HOSTS"].split(","), "the health check's Host must be allowed"


def test_it_consumes_the_sandbox_queue_and_the_default_queue():
    (argv,) = _commands(SERVICES["worker"])
    queues = _interpolate(_option(argv, "--queues", "-Q"), ENV_EXAMPLE).split(",")
    assert set(queues) == {ENV_EXAMPLE["SANDBOX_QUEUE"], "celery"}
    assert set(_interpolate(_option(argv, "--queues", "-Q"), {}).split(",")) == {"sandbox", "celery"}
    assert int(_interpolate(_option(argv, "--concurrency", "-c"), ENV_EXAMPLE)) >= 1


def test_it_pings_the_worker_by_the_node_name_it_starts_with():
    (argv,) = _commands(SERVICES["worker"])
    assert _option(argv, "--hostname", "-n") == "worker@%h"  # %h: socket.gethostname(), the container's
    assert "f'worker@{socket.gethostname()}'" in _healthcheck_command(SERVICES["worker"])[-1]


def test_it_routes_every_periodic_sweep_to_the_queue_the_worker_consumes():
    (route_pattern, route), = settings.CELERY_TASK_ROUTES.items()
    assert route["queue"] == settings.SANDBOX_QUEUE
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert re.fullmatch(route_pattern.replace(".", r"\.").replace("*", ".*"), entry["task"]), entry["task"]


def test_it_runs_beat_in_its_own_single_service():
    (worker,) = _commands(SERVICES["worker"])
    assert "--beat" not in worker and "-B" not in worker, "several workers would each run the sweeps"
    (beat,) = _commands(SERVICES["beat"])
    assert beat[:4] == ["celery", "-A", "interviewprep", "beat"]
    assert SERVICES["beat"].get("deploy", {}).get("replicas", 1) == 1
    runs_beat = [name for name, service in SERVICES.items()
                 if any(argv[:1] == ["celery"] and "beat" in argv for argv in _commands(service))]
    assert runs_beat == ["beat"]


def test_it_migrates_and_loads_the_pack_once_before_the_app_starts():
    migrate = SERVICES["migrate"]
    assert migrate["restart"] == "no"
    # The backfill turns history from before review cards into cards; with --once it does nothing after that.
    assert [argv[:4] for argv in _commands(migrate)] == [
        ["python", "manage.py", "migrate", "--no-input"], ["python", "manage.py", "load_pack", "packs/deepmind-applied"],
        ["python", "manage.py", "backfill_review_cards", "--once"]]
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert SERVICES[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_it_scans_the_variables_the_code_reads():
    # Guards the scanner itself, so the two tests below cannot pass by finding nothing.
    assert {"DATABASE_URL", "SECRET_KEY", "CELERY_BROKER_URL", "SANDBOX_QUEUE", "RUN_TIME_LIMIT_S", "PORT",
            "WORKER_CONCURRENCY", "STATIC_ROOT"} <= _variables_the_code_reads()


def test_it_sets_only_variables_the_app_reads():
    known = _variables_the_code_reads() | CONSUMED_ELSEWHERE
    for name, service in _app_services().items():
        names = set(service.get("environment", {}))
        if service.get("env_file") == ".env":
            names |= set(ENV_EXAMPLE)  # .env is made from .env.example
        assert names - known == set(), f"{name} sets variables nothing reads"
    dockerfile_env = set(re.findall(r"^\s*(?:ENV\s+)?([A-Z][A-Z0-9_]*)=", DOCKERFILE, flags=re.M))
    assert dockerfile_env - known == set()
    for name, value in SERVICES["postgres"]["environment"].items():
        assert name.startswith("POSTGRES_") and name in CONSUMED_ELSEWHERE


def test_it_lists_every_variable_the_code_reads_in_env_example():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE_TEXT, flags=re.M))
    assert _variables_the_code_reads() - listed == set()


def test_it_keeps_env_example_a_plain_dotenv_file():
    names = []
    for line in ENV_EXAMPLE_TEXT.splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s#$'\"]*", line), f"not NAME=value: {line!r}"
            names.append(line.split("=", 1)[0])
    assert len(names) == len(set(names)), "a variable is listed twice"


def test_it_refuses_to_start_without_a_secret_key():
    for name, service in _app_services().items():
        with pytest.raises(MissingRequiredVariable):
            _interpolate(service["environment"]["SECRET_KEY"], ENV_EXAMPLE)
        assert _interpolate(service["environment"]["SECRET_KEY"], {"SECRET_KEY": "k" * 50}) == "k" * 50


def test_it_agrees_on_the_database_credentials_and_service_hosts_in_env_example():
    database = urlparse(ENV_EXAMPLE["DATABASE_URL"])
    assert (database.username, database.password, database.path.lstrip("/")) == (
        ENV_EXAMPLE["POSTGRES_USER"], ENV_EXAMPLE["POSTGRES_PASSWORD"], ENV_EXAMPLE["POSTGRES_DB"])
    assert database.hostname in SERVICES
    assert urlparse(ENV_EXAMPLE["CELERY_BROKER_URL"]).hostname in SERVICES


def test_it_protects_redis_with_the_password_the_redis_urls_carry():
    redis = SERVICES["redis"]
    command = redis["command"]
    assert _interpolate(command[command.index("--requirepass") + 1], ENV_EXAMPLE) == ENV_EXAMPLE["REDIS_PASSWORD"]
    assert _interpolate(redis["environment"]["REDISCLI_AUTH"], ENV_EXAMPLE) == ENV_EXAMPLE["REDIS_PASSWORD"]
    for name in ("CELERY_BROKER_URL", "CACHE_URL"):
        assert urlparse(ENV_EXAMPLE[name]).password == ENV_EXAMPLE["REDIS_PASSWORD"], name
    with pytest.raises(MissingRequiredVariable):
        _interpolate(command[command.index("--requirepass") + 1], {})


def test_it_accepts_env_example_values_in_the_app_settings(tmp_path):
    # The typed readers stop the process on a bad value; `check --deploy` adds the project's own checks.
    env = {**os.environ, **ENV_EXAMPLE,
           "SECRET_KEY": "s" * 50, "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
           "INTERVIEWPREP_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
                            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.iterdir()), "with .env.example's values nothing is written to var/"


def test_it_builds_on_the_python_version_pyproject_requires():
    requires = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = re.fullmatch(r">=\s*(\d+)\.(\d+)", requires).groups()
    versions = re.findall(r"^FROM python:(\d+)\.(\d+)", DOCKERFILE, flags=re.M)
    assert versions and set(versions) == {minimum}


def test_it_collects_static_files_into_static_root_at_build_time():
    web = _dockerfile_stage("web")
    assert "STATIC_ROOT=/app/staticfiles" in web and "WHITENOISE_USE_FINDERS=0" in web
    assert "manage.py collectstatic" in web


def test_it_bakes_no_secret_into_the_images():
    assert not re.search(r"^\s*ARG\b", DOCKERFILE, flags=re.M), "build arguments stay in the image history"
    for line in DOCKERFILE.splitlines():
        if re.search(r"(SECRET|PASSWORD)[A-Z_]*=", line):
            assert line.startswith("RUN "), f"only a one-command dummy key may appear: {line!r}"
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".env", "var/", ".venv/", ".git"} <= set(ignored)


def test_it_runs_web_as_a_non_root_user():
    users = re.findall(r"^USER\s+(\S+)", _dockerfile_stage("web"), flags=re.M)
    assert users and users[-1] not in {"root", "0", "0:0"}
    for name in ("web", "beat", "migrate"):
        assert SERVICES[name].get("user") in (None, users[-1])


def test_it_installs_the_sandbox_and_toolchains_in_the_worker_image():
    worker = _dockerfile_stage("worker")
    for package in ("bubblewrap", "util-linux", "g++", "nodejs", "openjdk-17-jdk-headless"):
        assert re.search(rf"\s{re.escape(package)}(\s|$)", worker), package
    assert "bubblewrap" not in _dockerfile_stage("web")


def test_it_gives_every_service_a_healthcheck():
    for name, service in SERVICES.items():
        check = service.get("healthcheck")
        assert check and not check.get("disable") and check["test"] not in (["NONE"], "NONE"), name


def test_it_keeps_postgres_data_in_a_named_volume():
    volumes = [volume.split(":") for volume in SERVICES["postgres"]["volumes"]]
    assert any(source in COMPOSE["volumes"] and target == "/var/lib/postgresql/data" for source, target in volumes)


def test_it_grants_the_worker_what_bubblewrap_needs():
    worker = SERVICES["worker"]
    assert {"SYS_ADMIN", "NET_ADMIN"} <= set(worker["cap_add"])
    assert "apparmor=unconfined" in worker["security_opt"]
    assert "seccomp=./deploy/worker-seccomp.json" in worker["security_opt"], "Docker's default plus bubblewrap's needs"
    assert "seccomp=unconfined" not in worker["security_opt"]
    assert not worker.get("privileged")
    assert worker.get("user") in (None, "root", "0"), "the sandbox's root mode drops programs to uid 65534"


def test_it_grants_nothing_extra_to_services_that_never_run_user_code():
    for name, service in SERVICES.items():
        if name != "worker":
            assert not {"cap_add", "security_opt", "privileged", "pid", "network_mode"} & set(service), name


def test_it_probes_the_sandbox_in_the_worker_healthcheck():
    commands = _healthcheck_commands(SERVICES["worker"])
    assert commands[0] == ["python", "-m", "sandbox", "probe"]
    assert len(commands) == 2, "the probe, then the ping"


def test_it_starts_the_worker_through_the_cgroup_entrypoint():
    assert 'ENTRYPOINT ["/app/deploy/worker-entrypoint.sh"]' in _dockerfile_stage("worker")
    entrypoint = BASE_DIR / "deploy" / "worker-entrypoint.sh"
    assert os.access(entrypoint, os.X_OK)
    assert entrypoint.read_text().rstrip().endswith('exec "$@"')


def test_it_shares_the_recordings_volume_between_web_and_the_worker_that_sweeps_it():
    assert "recordings" in COMPOSE["volumes"]
    for name in ("web", "worker"):
        assert f"recordings:{ENV_EXAMPLE['RECORDINGS_DIR']}" in SERVICES[name]["volumes"], name
    # The web user owns the folder in both images, whichever container mounts the new volume first.
    for stage in ("web", "worker"):
        assert "mkdir -p /recordings" in _dockerfile_stage(stage), stage


def test_it_starts_the_turn_relay_only_when_asked_and_with_expiring_credentials():
    coturn = SERVICES["coturn"]
    assert coturn["profiles"] == ["call"]
    assert "--use-auth-secret" in coturn["command"] and "--static-auth-secret=${WEBRTC_TURN_SECRET:-}" in coturn["command"]
    assert "--denied-peer-ip=127.0.0.0-127.255.255.255" in coturn["command"]
