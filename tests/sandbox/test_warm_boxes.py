"""Warm boxes (POOL.take / Box.start): each serves one run, and nothing is left after shutdown."""

from __future__ import annotations

import json
import os
import socket

import pytest

from sandbox import JudgeRequest, RunRequest, TestCase, judge, run
from sandbox.box_spec import BoxLimits, BoxShape
from sandbox.warm_pool import POOL
from sandbox.config import settings

from .test_hostile import escaped_processes, own_work_dirs, sandbox_cgroups


def test_it_leaves_nothing_after_many_runs_and_shutdown():
    procs_before = escaped_processes()
    cgroups_before = sandbox_cgroups()
    sources = {
        "python": "import os\nprint(sorted(os.listdir('.')))\nopen('mark', 'w').write('x')\n",
        "javascript": "console.log(require('fs').readdirSync('.').sort().join(','));\n",
        "cpp": "#include <cstdio>\nint main() { std::puts(\"ok\"); }\n",
    }
    for _ in range(3):
        result = run(RunRequest(language="python", source=sources["python"]))
        assert result.verdict == "OK" and result.stdout == "['main.py']\n", result  # a fresh work dir every time
    for language in ("javascript", "cpp"):
        assert run(RunRequest(language=language, source=sources[language])).verdict == "OK"
    judged = judge(JudgeRequest(language="python", source="print(int(input()) * 2)\n",
                                tests=[TestCase("1", "2"), TestCase("2", "4"), TestCase("3", "6")]))
    assert judged.verdict == "AC", judged
    assert len(POOL.idle_boxes()) <= settings.warm_boxes
    assert all(b.shape.workdir is None for b in POOL.idle_boxes())  # the judge released its own

    POOL.shutdown()

    assert POOL.idle_boxes() == [] and POOL.retired_boxes() == []
    assert escaped_processes() - procs_before == set()
    assert sandbox_cgroups() - cgroups_before == set()
    assert own_work_dirs() == set()


def test_a_warm_box_runs_nothing_until_started_and_serves_one_run():
    shape = BoxShape()
    prepared = POOL.take(shape, keep_warm=False)
    try:
        assert prepared.workspace is not None and os.listdir(prepared.workspace.box) == []
        prepared.sock.settimeout(10)
        assert prepared.sock.recv(1, socket.MSG_PEEK) == b"r"  # set up and waiting, in its own cgroup
        assert prepared.group is None or len(prepared.group.pids_in_group()) >= 1
        os.set_blocking(prepared.out_r, False)
        with pytest.raises(BlockingIOError):
            os.read(prepared.out_r, 1)  # nothing ran yet
        outcome = prepared.start(["/bin/sh", "-c", "echo started"], BoxLimits(cpu_s=1, wall_s=5, memory_mb=64))
        assert outcome.ok and outcome.exit_code == 0 and outcome.stdout == b"started\n", outcome
        assert prepared.pid is None and prepared in POOL.retired_boxes()
        with pytest.raises(RuntimeError):
            prepared.start(["/bin/true"], BoxLimits(cpu_s=1, wall_s=5, memory_mb=64))
    finally:
        prepared.discard()
    POOL.finish_cleanup()


def test_the_launcher_passes_arguments_through_unchanged():
    tricky = ("a b", "it's", 'say "hi"', "$HOME", "`id`", "line1\nline2", "*", "", "; exit 3", "\\n")
    source = "import json, sys\nprint(json.dumps(sys.argv[1:]))\n"
    result = run(RunRequest(language="python", source=source, args=tricky))
    assert result.verdict == "OK", result
    assert json.loads(result.stdout) == list(tricky)


def test_a_forked_child_never_uses_its_parents_warm_box():
    run(RunRequest(language="python", source="print(1)\n"))
    parent_boxes = {id(b) for b in POOL.idle_boxes()}
    assert parent_boxes
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        code = 1
        try:
            ok = POOL.idle_boxes() == [] and run(RunRequest(language="python", source="print(2)\n")).stdout == "2\n"
            POOL.shutdown()
            code = 0 if ok else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert {id(b) for b in POOL.idle_boxes()} == parent_boxes
    assert run(RunRequest(language="python", source="print(3)\n")).stdout == "3\n"  # the parent's box still works
