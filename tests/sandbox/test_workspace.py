"""Work directories: one root per app instance, one directory per process, and clean-up that only
removes what a dead process of this instance left behind. No database, no Django."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest

from sandbox import workspace
from tests.conftest import BASE_DIR


def _default_root(env: dict) -> str:
    """The work root a freshly started process would pick with this environment."""
    code = "from sandbox.config import settings; print(settings.work_root)"
    clean = {k: v for k, v in os.environ.items() if k not in ("SANDBOX_WORK_ROOT", "INTERVIEWPREP_VAR_DIR")}
    result = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, cwd=BASE_DIR,
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_it_gives_two_instances_on_one_machine_different_roots(tmp_path):
    first = _default_root({"INTERVIEWPREP_VAR_DIR": str(tmp_path / "one" / "var")})
    second = _default_root({"INTERVIEWPREP_VAR_DIR": str(tmp_path / "two" / "var")})
    assert first != second
    assert _default_root({"INTERVIEWPREP_VAR_DIR": str(tmp_path / "one" / "var")}) == first  # stable per instance


def test_it_takes_the_root_from_sandbox_work_root(tmp_path):
    assert _default_root({"SANDBOX_WORK_ROOT": str(tmp_path / "boxes")}) == str(tmp_path / "boxes")


def _child_workspace_parent(queue) -> None:
    with workspace.Workspace() as child:
        queue.put(os.path.dirname(child.root))


def test_it_gives_each_process_its_own_directory(sandbox_settings, tmp_path):
    sandbox_settings.work_root = str(tmp_path / "root")
    queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_child_workspace_parent, args=(queue,))
    child.start()
    child_dir = queue.get(timeout=30)
    child.join(timeout=30)
    with workspace.Workspace() as mine:
        assert os.path.dirname(mine.root) == workspace.process_root()
        assert os.path.dirname(mine.root) != child_dir
        assert oct(os.stat(mine.root).st_mode & 0o777) == oct(0o700)


def test_it_removes_only_dead_processes_directories_of_its_own_instance(sandbox_settings, tmp_path):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    dead = _dead_pid()
    for root in (ours, theirs):
        (root / f"proc-{dead}" / "run-left").mkdir(parents=True)
    (ours / f"proc-{os.getppid()}" / "run-live").mkdir(parents=True)  # a live process of this instance
    (ours / "unrelated").mkdir()
    sandbox_settings.work_root = str(ours)
    with workspace.Workspace() as running:
        assert workspace.remove_stale() == 1
        assert os.path.isdir(running.root)
    assert sorted(os.listdir(ours)) == sorted([f"proc-{os.getppid()}", f"proc-{os.getpid()}", "unrelated"])
    assert os.listdir(theirs) == [f"proc-{dead}"]  # another instance's root is never looked at


def test_it_refuses_a_work_root_it_does_not_own(sandbox_settings, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "root").symlink_to(tmp_path / "elsewhere")
    sandbox_settings.work_root = str(tmp_path / "root")
    with pytest.raises(OSError, match="not a directory owned by this user"):
        workspace.Workspace()

