"""The typed environment readers fail loudly on bad values."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from interviewprep.env import (
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_json_list,
    env_list,
    recordings_storage_from_env,
    secret_key_from,
)


def test_env_bool(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True
    monkeypatch.setenv("FLAG", "sometimes")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be one of"):
        env_bool("FLAG")


def test_env_int_and_float(monkeypatch):
    monkeypatch.setenv("N", "12")
    assert env_int("N", 1) == 12
    monkeypatch.setenv("N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="N must be an integer"):
        env_int("N", 1)
    monkeypatch.setenv("N", "-3")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("N", 1, minimum=0)
    monkeypatch.setenv("X", "1.5")
    assert env_float("X", 0.0) == 1.5
    monkeypatch.setenv("X", "fast")
    with pytest.raises(ImproperlyConfigured, match="X must be a number"):
        env_float("X", 0.0)


def test_env_list(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_env_json_list(monkeypatch):
    monkeypatch.delenv("WEBRTC_ICE_SERVERS", raising=False)
    assert env_json_list("WEBRTC_ICE_SERVERS") == []
    monkeypatch.setenv("WEBRTC_ICE_SERVERS", '[{"urls": "stun:stun.example.org:3478"}]')
    assert env_json_list("WEBRTC_ICE_SERVERS") == [{"urls": "stun:stun.example.org:3478"}]
    for wrong in ("stun:stun.example.org", '{"urls": "stun:x"}', '[{"url": "stun:x"}]', "[1]"):
        monkeypatch.setenv("WEBRTC_ICE_SERVERS", wrong)
        with pytest.raises(ImproperlyConfigured, match="WEBRTC_ICE_SERVERS"):
            env_json_list("WEBRTC_ICE_SERVERS")


def test_recordings_are_local_files_unless_s3_is_asked_for(monkeypatch):
    for name in ("RECORDINGS_STORAGE", "RECORDINGS_S3_BUCKET", "RECORDINGS_S3_ENDPOINT_URL", "RECORDINGS_S3_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    local = recordings_storage_from_env("/srv/rec")
    assert local["BACKEND"].endswith("FileSystemStorage") and local["OPTIONS"]["location"] == "/srv/rec"
    assert local["OPTIONS"]["file_permissions_mode"] == 0o600
    monkeypatch.setenv("RECORDINGS_STORAGE", "s3")
    with pytest.raises(ImproperlyConfigured, match="needs RECORDINGS_S3_BUCKET"):
        recordings_storage_from_env("/srv/rec")
    monkeypatch.setenv("RECORDINGS_S3_BUCKET", "voices")
    s3 = recordings_storage_from_env("/srv/rec")["OPTIONS"]
    assert (s3["bucket_name"], s3["endpoint_url"], s3["location"], s3["default_acl"]) == (
        "voices", None, "recordings", "private")
    monkeypatch.setenv("RECORDINGS_STORAGE", "gcs")
    with pytest.raises(ImproperlyConfigured, match="'local' .* or 's3'"):
        recordings_storage_from_env("/srv/rec")


def test_database_urls(tmp_path):
    sqlite = database_from_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert sqlite["ENGINE"].endswith("sqlite3") and sqlite["NAME"] == str(tmp_path / "var/x.sqlite3")
    assert database_from_url("sqlite:////abs/db.sqlite3", base_dir=tmp_path)["NAME"] == "/abs/db.sqlite3"
    pg = database_from_url("postgres://u:p%40ss@db.local:5433/app?sslmode=require", base_dir=tmp_path)
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == ("app", "u", "p@ss", "db.local", "5433")
    assert pg["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        database_from_url("mysql://x/y", base_dir=tmp_path)
    with pytest.raises(ImproperlyConfigured, match="database name"):
        database_from_url("postgres://host/", base_dir=tmp_path)


def test_the_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key_from(tmp_path / "var")
    assert len(first) >= 50
    assert secret_key_from(tmp_path / "var") == first
    assert oct((tmp_path / "var" / "secret_key").stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        secret_key_from(tmp_path / "var")


def test_debug_is_off_unless_asked(settings):
    from interviewprep import settings as project_settings

    assert project_settings.DEBUG is False or __import__("os").environ.get("DEBUG")
