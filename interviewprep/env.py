"""Typed readers for settings that come from the environment.

Each helper raises ImproperlyConfigured on a value it cannot parse, so a typo in
a deployment's environment stops the process at start-up instead of silently
falling back to a default.
"""

import json
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from interviewprep.private_files import private_dir

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_json_list(name: str) -> list[dict]:
    """A JSON list of objects (WebRTC's ICE servers), checked here so a typo fails at start, not in a call."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a JSON list, got {raw[:80]!r}") from None
    if not isinstance(value, list) or not all(isinstance(item, dict) and item.get("urls") for item in value):
        raise ImproperlyConfigured(f'{name} must be a JSON list of objects with "urls", got {raw[:80]!r}')
    return value


def recordings_storage_from_env(local_dir: str) -> dict:
    """The STORAGES entry for recordings: private files under `local_dir`, or with RECORDINGS_STORAGE=s3
    any S3-compatible store through django-storages. Credentials come from the environment as boto3 reads
    them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never from settings."""
    kind = env_str("RECORDINGS_STORAGE")
    if kind in ("", "local"):
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": local_dir, "base_url": None,
                            "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700}}
    if kind != "s3":
        raise ImproperlyConfigured("RECORDINGS_STORAGE must be 'local' (the default) or 's3'")
    bucket = env_str("RECORDINGS_S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("RECORDINGS_STORAGE=s3 needs RECORDINGS_S3_BUCKET")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket,
        "endpoint_url": env_str("RECORDINGS_S3_ENDPOINT_URL") or None,
        "region_name": env_str("RECORDINGS_S3_REGION") or None,
        "location": env_str("RECORDINGS_S3_PREFIX", "recordings"),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }}


def database_from_url(url: str, *, base_dir: Path) -> dict:
    """Turn `sqlite:///path` or `postgres://user:pass@host:port/name` into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as dj-database-url reads them.
        path = unquote(parsed.path[1:]) if parsed.path.startswith("/") else unquote(parsed.path)
        if not path:
            raise ImproperlyConfigured("DATABASE_URL sqlite:/// needs a file path")
        return sqlite_database(Path(path) if Path(path).is_absolute() else base_dir / path)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL for PostgreSQL needs a database name")
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported; use sqlite:///PATH or postgres://..."
    )


def sqlite_database(path: Path) -> dict:
    # WAL lets the web process read while the worker writes; the busy timeout makes
    # concurrent writers wait instead of failing with "database is locked".
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        },
        "TEST": {"NAME": str(path.with_name(path.stem + "-test.sqlite3"))},
    }


def secret_key_from(var_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters")
        return key
    key_file = var_dir / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        pass
    private_dir(var_dir)
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting at once must agree on one key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
