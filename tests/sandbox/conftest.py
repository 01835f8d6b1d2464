"""Fixtures for the sandbox tests: plain pytest, no database, no Django."""

from __future__ import annotations

import os

import pytest

SECRET_NAME = "INTERVIEWPREP_SANDBOX_TEST_SECRET"
SECRET_VALUE = "s3cret-" + os.urandom(8).hex()


@pytest.fixture(autouse=True)
def host_secret(monkeypatch):
    """A secret in the test process's environment: no sandboxed program may ever see it."""
    monkeypatch.setenv(SECRET_NAME, SECRET_VALUE)
    return SECRET_VALUE


@pytest.fixture
def sandbox_settings(monkeypatch):
    """The live sandbox settings object, restored after the test."""
    from sandbox.config import settings

    for name in vars(settings):
        monkeypatch.setattr(settings, name, getattr(settings, name))
    return settings
