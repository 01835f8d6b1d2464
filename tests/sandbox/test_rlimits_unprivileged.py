"""The sandbox in a worker that may not raise hard rlimits (a container without CAP_SYS_RESOURCE).

Each test runs the real sandbox in a subprocess whose capability bounding set lacks CAP_SYS_RESOURCE
(``setpriv``) and whose hard limits are finite, as in a Docker container: the box must then only ever
lower limits, and still give the same verdicts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                                reason="needs root (to drop CAP_SYS_RESOURCE with setpriv)")

# Runs in the subprocess: lower the hard limits the way a container's are, then run one program.
_RUNNER = """
import json, resource, sys
from sandbox import RunRequest, cgroups, check_host, run
hard = json.loads(sys.argv[1])
for name, value in hard.items():
    which = getattr(resource, name)
    soft = resource.getrlimit(which)[0]
    soft = value if soft == resource.RLIM_INFINITY else min(soft, value)
    resource.setrlimit(which, (soft, value))
if sys.argv[2] == "no-cgroups":
    cgroups.CGROUP_ROOT = "/nonexistent"  # as in a container whose cgroup tree is read-only
if sys.argv[3] == "check":
    print(json.dumps(check_host().to_dict()))
else:
    print(json.dumps({"cgroups": cgroups.detect().version, **run(RunRequest(**json.loads(sys.argv[3]))).to_dict()}))
"""

FINITE_HARD = {"RLIMIT_CPU": 3600, "RLIMIT_STACK": 1 << 30, "RLIMIT_NPROC": 20000, "RLIMIT_AS": 64 << 30}


def run_without_sys_resource(request: dict | str, hard: dict = FINITE_HARD, cgroups: str = "auto") -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        ["setpriv", "--bounding-set=-sys_resource", "--inh-caps=-sys_resource", "--",
         sys.executable, "-c", _RUNNER, json.dumps(hard), cgroups, request if request == "check" else json.dumps(request)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_it_has_really_lost_cap_sys_resource():
    proc = subprocess.run(["setpriv", "--bounding-set=-sys_resource", "--inh-caps=-sys_resource", "--",
                           sys.executable, "-c",
                           "import resource; h = resource.getrlimit(resource.RLIMIT_NPROC)[1];"
                           "resource.setrlimit(resource.RLIMIT_NPROC, (100, 100));"
                           "resource.setrlimit(resource.RLIMIT_NPROC, (100, 101))"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode != 0
    assert "not allowed to raise maximum limit" in proc.stderr


@pytest.mark.parametrize("cgroups", ["auto", "no-cgroups"])
def test_it_runs_python_with_finite_hard_limits(cgroups):
    result = run_without_sys_resource({"language": "python", "source": "print(sum(range(10)))\n"},
                                      cgroups=cgroups)
    assert result["verdict"] == "OK", result["message"]
    assert result["stdout"] == "45\n"
    if cgroups == "no-cgroups":
        assert result["cgroups"] is None


def test_it_still_limits_memory_with_rlimit_as_only():
    bomb = "chunks = []\nwhile True:\n    chunks.append(bytearray(8 << 20))\n"
    result = run_without_sys_resource({"language": "python", "source": bomb, "memory_limit_mb": 128},
                                      cgroups="no-cgroups")
    assert result["verdict"] == "MLE", result


def test_it_still_limits_cpu_time():
    result = run_without_sys_resource({"language": "python", "source": "while True:\n    pass\n",
                                       "time_limit_s": 1}, cgroups="no-cgroups")
    assert result["verdict"] == "TLE", result


def test_it_caps_a_run_limit_at_a_lower_hard_limit():
    # The run asks for 256 MB of stack and 5 s of CPU; the worker's hard limits allow 64 MB and 4 s.
    hard = {**FINITE_HARD, "RLIMIT_STACK": 64 << 20, "RLIMIT_CPU": 4}
    result = run_without_sys_resource({"language": "python", "time_limit_s": 5,
                                       "source": "import resource\nprint(resource.getrlimit(resource.RLIMIT_STACK))\n"},
                                      hard=hard)
    assert result["verdict"] == "OK", result["message"]
    assert result["stdout"] == f"({64 << 20}, {64 << 20})\n"


@pytest.mark.parametrize("language,source", [
    ("cpp", "#include <cstdio>\nint main() { std::puts(\"42\"); }\n"),
    ("java", "public class Main { public static void main(String[] a) { System.out.println(42); } }\n"),
    ("javascript", "console.log(42);\n"),
])
def test_it_compiles_and_runs_every_language(language, source):
    result = run_without_sys_resource({"language": language, "source": source, "memory_limit_mb": 256})
    assert result["verdict"] == "OK", result
    assert result["stdout"] == "42\n"


def test_its_check_says_what_rlimit_as_does_to_java_and_javascript():
    report = run_without_sys_resource("check", cgroups="no-cgroups")
    assert report["memory_limit_by"] == "rlimit-as"
    assert "RLIMIT_AS only" in report["message"] and "Java and JavaScript" in report["message"]
    assert report["languages"]["python"]["available"] and report["languages"]["cpp"]["available"]
    # Here both fail to start under an address-space limit of their memory limit; check says so and fails.
    for language in ("java", "javascript"):
        assert not report["languages"][language]["available"]
        assert f"a trivial {language} program ended" in report["languages"][language]["detail"]
    assert report["ok"] is False
