"""Every program in hostile/ runs through the real sandbox and must get its expected verdict.

Each file's header says what to expect: ``expect: TLE|RE`` (any of), optionally
``judge: entry=NAME input=JSON expected=JSON`` (function-mode judging) and
``limits: time=S memory=MB``. After each run: no process of the sandbox uid is
left, the run's cgroup and work dir are gone, nothing was written to the host's
/tmp or /dev/shm, no connection reached a loopback listener, no program output
says "LEAK", and the test process's secret never appears.
"""

from __future__ import annotations

import os
import random
import re
import socket
from pathlib import Path

import pytest

from sandbox import JudgeRequest, RunRequest, TestCase, cgroups, judge, run, workspace
from sandbox.warm_pool import POOL
from sandbox.config import settings

HOSTILE_DIR = Path(__file__).parent / "hostile"
REPO_DIR = Path(__file__).resolve().parents[2]
LANGUAGE_BY_SUFFIX = {".py": "python", ".js": "javascript", ".cpp": "cpp", ".c": "cpp", ".java": "java"}
PROGRAMS = sorted(p for p in HOSTILE_DIR.iterdir() if p.suffix in LANGUAGE_BY_SUFFIX)


def header(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text().splitlines()[:6]:
        match = re.match(r"^\s*(?:#|//)\s*(expect|judge|limits):\s*(.+)$", line)
        if match:
            fields[match.group(1)] = match.group(2).strip()
    return fields


def escaped_processes() -> set[int]:
    """Processes of the sandbox uid outside every run cgroup (runs of other workers stay in theirs)."""
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as fh:
                    uid_line = next(line for line in fh if line.startswith("Uid:"))
                with open(f"/proc/{entry}/cgroup") as fh:
                    in_run_group = cgroups.GROUP_PREFIX in fh.read()
            except (OSError, StopIteration):
                continue
            if str(settings.sandbox_uid) in uid_line.split()[1:] and not in_run_group:
                pids.add(int(entry))
    return pids


def sandbox_cgroups() -> set[str]:
    """This test process's run groups (their names carry the creating pid)."""
    support = cgroups.detect()
    mine = f"{cgroups.GROUP_PREFIX}{os.getpid()}-"
    found = set()
    for parent in {support.memory_parent, support.pids_parent, support.cpu_parent} - {None}:
        found |= {os.path.join(parent, d) for d in os.listdir(parent) if d.startswith(mine)}
    return found


def own_work_dirs() -> set[str]:
    """This test process's run work dirs (other processes' runs may share the work root)."""
    mine = workspace.process_root()
    return {os.path.join(mine, d) for d in os.listdir(mine)} if os.path.isdir(mine) else set()


def host_tmp_entries() -> set[str]:
    return {name for d in ("/tmp", "/dev/shm") for name in os.listdir(d) if name.startswith(("hostile", "huge", "f"))}


@pytest.fixture
def listeners():
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    tcp.setblocking(False)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    yield tcp, udp
    tcp.close()
    udp.close()


def test_there_are_at_least_30_hostile_programs():
    assert len(PROGRAMS) >= 30
    for path in PROGRAMS:
        assert "expect" in header(path), f"{path.name} lacks an '# expect:' header"


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.name for p in PROGRAMS])
def test_it_contains_the_hostile_program(path, listeners, host_secret):
    tcp, udp = listeners
    fields = header(path)
    expected = set(fields["expect"].split("|"))
    limits = dict(item.split("=") for item in fields.get("limits", "").split())
    time_limit = float(limits.get("time", 1))
    memory_limit = int(limits.get("memory", 64))
    source = (path.read_text()
              .replace("@@HOST_PORT@@", str(tcp.getsockname()[1]))
              .replace("@@HOST_UDP_PORT@@", str(udp.getsockname()[1]))
              .replace("@@REPO_FILE@@", str(Path(__file__).resolve()))
              .replace("@@REPO_DIR@@", str(REPO_DIR)))
    language = LANGUAGE_BY_SUFFIX[path.suffix]
    procs_before = escaped_processes()
    tmp_before = host_tmp_entries()
    cgroups_before = sandbox_cgroups()

    if "judge" in fields:
        spec = dict(re.findall(r"(\w+)=(\[[^\]]*\]|\S+)", fields["judge"]))
        if spec["expected"] == "@@RANDOM@@":
            spec["expected"] = str(random.randrange(10 ** 9, 10 ** 10))
        result = judge(JudgeRequest(language=language, source=source, mode="function", entry_point=spec["entry"],
                                    tests=[TestCase(input=spec["input"], expected=spec["expected"])],
                                    time_limit_s=time_limit, memory_limit_mb=memory_limit))
        verdict = result.verdict
        output = "".join(t.actual + t.stderr for t in result.tests) + result.message
    else:
        result = run(RunRequest(language=language, source=source, time_limit_s=time_limit,
                                memory_limit_mb=memory_limit))
        verdict = result.verdict
        output = result.stdout + result.stderr + result.compile_output

    assert verdict in expected, f"{path.name}: got {verdict} ({result.message}); output: {output[-600:]!r}"
    assert "LEAK" not in output, output[-2000:]
    assert host_secret not in output
    # Nothing outlives the run: no escaped process, no run cgroup or work dir but the idle warm boxes'.
    assert escaped_processes() - procs_before == set()
    for finished in POOL.retired_boxes():  # their cgroup and work dir go while the next run runs
        assert finished.pid is None and (finished.group is None or finished.group.pids_in_group() == [])
    POOL.finish_cleanup()
    idle = POOL.idle_boxes()
    idle_groups = {d for b in idle if b.group for d in b.group.dirs}
    assert sandbox_cgroups() - idle_groups - cgroups_before == set()
    assert own_work_dirs() - {b.workspace.root for b in idle if b.workspace} == set()
    assert host_tmp_entries() - tmp_before == set()
    with pytest.raises(BlockingIOError):
        tcp.accept()
    with pytest.raises(BlockingIOError):
        udp.recv(100)
    assert os.getpid() > 0  # still alive to check
