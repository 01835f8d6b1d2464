"""Per-run cgroups where the cgroup v1 mounts show only the worker's own group, as in a Docker container.

A container's /sys/fs/cgroup/memory is a bind of the host's /sys/fs/cgroup/memory/docker/<id>, while
/proc/self/cgroup still names the full path. The test builds the same picture for real: a child group of
this process's own, bound over the controller mounts in a private mount namespace (``unshare -m``), with the
probing process moved into it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from sandbox import cgroups

REPO = Path(__file__).resolve().parents[2]

_support = cgroups.detect()
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or _support.version != 1 or not shutil.which("unshare"),
    reason="needs root, cgroup v1 groups this process may create and unshare(1)")

_DETECT_AND_RUN = """
import json
from sandbox import RunRequest, cgroups, run
support = cgroups.detect()
result = run(RunRequest(language="python", source="x = bytearray(400 << 20)\\nprint(len(x))\\n", memory_limit_mb=128))
print(json.dumps({"support": support.__dict__, "verdict": result.verdict, "message": result.message}))
"""


@pytest.fixture
def container_like_group():
    """A child group per controller under this process's own: what Docker makes for a container."""
    name = f"ipsandbox-test-container-{uuid.uuid4().hex[:8]}"
    parents = {"memory": _support.memory_parent, "pids": _support.pids_parent}
    dirs = {controller: os.path.join(parent, name) for controller, parent in parents.items()}
    for path in dirs.values():
        os.mkdir(path)
    yield dirs
    for path in dirs.values():
        for child in os.listdir(path):
            if child.startswith(cgroups.GROUP_PREFIX):
                os.rmdir(os.path.join(path, child))
        os.rmdir(path)


def test_it_finds_its_group_at_the_mount_point_of_a_container_like_mount(container_like_group):
    memory, pids = container_like_group["memory"], container_like_group["pids"]
    script = (
        f"mount --bind {memory} /sys/fs/cgroup/memory && mount --bind {pids} /sys/fs/cgroup/pids && "
        "echo $$ > /sys/fs/cgroup/memory/cgroup.procs && echo $$ > /sys/fs/cgroup/pids/cgroup.procs && "
        f'exec "{sys.executable}" -c "$0"'
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, _DETECT_AND_RUN],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["support"]["version"] == 1, found
    assert found["support"]["memory_parent"] == "/sys/fs/cgroup/memory"
    assert found["support"]["pids_parent"] == "/sys/fs/cgroup/pids"
    # The per-run group below the container's enforces the run's memory limit.
    assert found["verdict"] == "MLE", found
