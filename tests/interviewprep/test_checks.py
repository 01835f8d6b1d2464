"""System checks: the sandbox warning names the fix; run limits are consistent."""

import pytest
from django.core.management import call_command

import sandbox.host
from interviewprep.checks import check_run_limits, check_sandbox
from sandbox.config import settings as sandbox_settings


def test_the_project_passes_its_checks():
    call_command("check", fail_level="WARNING")


def test_a_missing_sandbox_is_a_warning_that_names_the_fix(monkeypatch):
    monkeypatch.setattr(sandbox_settings, "bwrap_path", "/nonexistent/bwrap")
    if hasattr(sandbox.host.check_host, "cache_clear"):
        sandbox.host.check_host.cache_clear()
    warnings = check_sandbox()
    assert [w.id for w in warnings] == ["interviewprep.W001"]
    assert "bubblewrap" in warnings[0].hint


@pytest.mark.parametrize("overrides, error", [
    ({"RUN_TIME_LIMIT_S": 20, "RUN_MAX_TIME_LIMIT_S": 10}, "interviewprep.E002"),
    ({"RUN_MEMORY_LIMIT_MB": 2048, "RUN_MAX_MEMORY_LIMIT_MB": 1024}, "interviewprep.E003"),
])
def test_limits_above_their_ceiling_are_errors(settings, overrides, error):
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert [e.id for e in check_run_limits()] == [error]
