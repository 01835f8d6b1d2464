"""The command line, run as a subprocess: ``python -m sandbox run|check``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120)


def test_it_runs_a_file_and_prints_one_json_object(tmp_path):
    source = tmp_path / "sum.py"
    source.write_text("print(sum(map(int, input().split())))\n")
    stdin = tmp_path / "in.txt"
    stdin.write_text("2 3\n")
    proc = cli("run", "--language", "python", "--stdin", str(stdin), "--time-limit", "2", "--memory-limit", "128",
               str(source))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["verdict"] == "OK" and result["stdout"] == "5\n"
    for key in ("exit_code", "signal", "stderr", "time_ms", "wall_ms", "memory_kb", "compile_output"):
        assert key in result


def test_it_exits_zero_whatever_the_verdict(tmp_path):
    source = tmp_path / "bad.cpp"
    source.write_text("int main( {")
    proc = cli("run", "--language", "cpp", str(source))
    assert proc.returncode == 0
    result = json.loads(proc.stdout)
    assert result["verdict"] == "CE" and "error" in result["compile_output"]


def test_it_reports_the_host(tmp_path):
    proc = cli("check")
    report = json.loads(proc.stdout)
    assert proc.returncode == (0 if report["ok"] else 1)
    assert {"bwrap_version", "seccomp", "cgroup_version", "languages"} <= set(report)
