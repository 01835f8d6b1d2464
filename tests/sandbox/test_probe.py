"""``python -m sandbox probe``: the worker container's health check runs it; it must fail when no box can start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def probe(*prefix: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([*prefix, sys.executable, "-m", "sandbox", "probe"], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120)


def test_it_exits_zero_when_a_trivial_program_runs_in_a_box():
    proc = probe()
    assert (proc.returncode, proc.stdout.strip()) == (0, "ok"), proc.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop CAP_SYS_ADMIN")
def test_it_exits_one_and_says_why_when_no_box_can_start():
    # Without CAP_SYS_ADMIN bubblewrap cannot create the box's namespaces: a worker container missing its grant.
    proc = probe("setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--")
    assert proc.returncode == 1
    assert proc.stdout.strip() not in ("", "ok")
    assert "bubblewrap" in proc.stdout


def test_it_exits_one_without_bubblewrap(tmp_path):
    code = ("import sys; from sandbox.config import settings; settings.bwrap_path = '/nonexistent/bwrap'; "
            "from sandbox.__main__ import main; sys.exit(main(['probe']))")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, timeout=60)
    assert proc.returncode == 1
    assert "apt-get install bubblewrap" in proc.stdout
