"""check_host() and failing closed when the host lacks isolation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sandbox import JudgeRequest, RunRequest, TestCase, check_host, judge, run

SANDBOX_DIR = Path(__file__).resolve().parents[2] / "sandbox"


def test_it_reports_a_ready_host():
    report = check_host()
    assert report.ok, report.message
    assert report.probe == "ok"
    assert report.seccomp and report.bwrap_version
    assert {"python", "javascript", "cpp", "java"} <= set(report.languages)
    assert all(lang.available and lang.version for lang in report.languages.values())
    assert report.numpy_version
    assert report.to_dict()["ok"] is True


def test_it_fails_closed_without_bubblewrap(sandbox_settings):
    sandbox_settings.bwrap_path = "/nonexistent/bwrap"
    result = run(RunRequest(language="python", source="print('should not run')\n"))
    assert result.verdict == "SE"
    assert "apt-get install bubblewrap" in result.message
    assert result.stdout == ""
    judged = judge(JudgeRequest(language="python", source="print(1)\n", tests=[TestCase("", "1")]))
    assert judged.verdict == "SE" and "bubblewrap" in judged.message
    report = check_host()
    assert not report.ok
    assert "apt-get install bubblewrap" in report.message


def test_a_box_that_cannot_be_set_up_is_a_system_error(sandbox_settings):
    sandbox_settings.python_packages = ()
    from sandbox import warm_pool
    from sandbox.box_spec import BoxLimits, BoxRun

    broken = BoxRun(argv=["/bin/true"], workdir="/nonexistent-work-dir",
                        limits=BoxLimits(cpu_s=1, wall_s=2, memory_mb=64))
    outcome = warm_pool.execute(broken)
    assert not outcome.ok
    assert "bubblewrap failed" in outcome.message


def test_the_sandbox_package_never_imports_django():
    offenders = []
    for path in SANDBOX_DIR.rglob("*.py"):
        text = path.read_text()
        if "import django" in text or "from django" in text:
            offenders.append(path.name)
    assert offenders == []
    code = "import sys, sandbox, sandbox.__main__; print(any(m.startswith('django') for m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=SANDBOX_DIR.parent)
    assert proc.stdout.strip() == "False", proc.stderr
