"""The box's disk quota: /box and /tmp are size-limited tmpfs mounts; filling one is OLE with the limit in MB."""

from __future__ import annotations

import os
import tempfile

from sandbox import RunRequest, run, scratch, warm_pool
from sandbox.box_spec import BoxLimits, BoxOutcome, BoxRun
from sandbox.runner import verdict_for

FILL_AND_COUNT = """\
import sys
written = 0
try:
    while written < 128:  # MB; far past the quota, small enough not to hurt a host without one
        with open(f"{sys.argv[1]}/fill-{written}", "wb") as fh:
            fh.write(b"x" * (1 << 20))
        written += 1
except OSError as exc:
    print(written, exc.errno)
else:
    print(written, 0)
"""


def test_it_sizes_the_quota_from_the_memory_limit():
    assert [scratch.size_mb(mb) for mb in (16, 64, 256, 1024)] == [8, 16, 64, 64]


def test_it_stops_writes_to_box_and_tmp_at_the_quota():
    for directory in ("/box", "/tmp"):
        result = run(RunRequest(language="python", source=FILL_AND_COUNT, args=(directory,), memory_limit_mb=64))
        assert result.verdict == "OK", result
        written, errno = map(int, result.stdout.split())
        assert errno == 28 and 0 < written <= 16, (directory, result.stdout)  # ENOSPC at 16 MB


def test_it_gives_a_program_that_fills_box_ole_with_the_limit():
    source = "i = 0\nwhile True:\n    open(f'f{i}', 'wb').write(b'x' * (4 << 20))\n    i += 1\n"
    result = run(RunRequest(language="python", source=source, memory_limit_mb=64))
    assert result.verdict == "OLE", result
    assert result.message == "disk limit exceeded: /box and /tmp hold at most 16 MB each"


def test_it_gives_a_node_program_that_fills_tmp_ole_too():
    source = "const fs = require('fs');\nfor (let i = 0; ; i++) fs.writeFileSync('/tmp/f' + i, Buffer.alloc(4 << 20));\n"
    result = run(RunRequest(language="javascript", source=source, memory_limit_mb=128))
    assert result.verdict == "OLE", result
    assert "at most 32 MB" in result.message


def test_it_copies_the_work_dir_into_box_and_keeps_writes_off_the_host():
    with tempfile.TemporaryDirectory() as workdir:
        with open(os.path.join(workdir, "given.txt"), "w") as fh:
            fh.write("from the host")
        os.chmod(workdir, 0o755)
        outcome = warm_pool.execute(BoxRun(
            argv=["/bin/sh", "-c", "cat given.txt && echo new > new.txt && echo more >> given.txt && cat new.txt"],
            workdir=workdir, scratch=True, limits=BoxLimits(cpu_s=1, wall_s=5, memory_mb=64, tmpfs_mb=8),
        ))
        assert outcome.ok and outcome.exit_code == 0, outcome
        assert outcome.stdout == b"from the hostnew\n"
        assert sorted(os.listdir(workdir)) == ["given.txt"]
        with open(os.path.join(workdir, "given.txt")) as fh:
            assert fh.read() == "from the host"


def test_it_still_runs_compiled_programs_that_write_in_their_work_dir():
    source = ('#include <cstdio>\nint main() { FILE *f = std::fopen("out.txt", "w"); std::fputs("kept", f);'
              ' std::fclose(f); f = std::fopen("out.txt", "r"); char b[8] = {0}; std::fgets(b, 8, f);'
              ' std::puts(b); }\n')
    result = run(RunRequest(language="cpp", source=source))
    assert (result.verdict, result.stdout) == ("OK", "kept\n"), result


def test_it_does_not_blame_the_disk_for_a_program_that_only_prints_the_words():
    printed = BoxOutcome(ok=True, exit_code=0, stderr=b"No space left on device\n")
    printed.disk_full = scratch.ran_out_of_space(printed.exit_code, printed.signal, printed.stderr)
    assert verdict_for(printed) == "OK"
