"""Per-run work directories on the host (bound at /box inside a box)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile

from .config import settings

# \w is Unicode-aware and '$' is legal: Java names the file after its public class (`Über`, `$X`).
_SAFE_NAME = re.compile(r"^[\w$][\w$.-]{0,99}\Z")
PROCESS_PREFIX = "proc-"  # + the pid of the process whose runs it holds
PREFIX = "run-"  # + random suffix, inside the creating process's directory


def process_root() -> str:
    """This process's directory under the instance's work root: its runs, and nothing else's."""
    return os.path.join(settings.work_root, f"{PROCESS_PREFIX}{os.getpid()}")


def _own_directory(path: str) -> None:
    """Create `path` (0711) or accept it if it is already ours; refuse one someone else planted."""
    os.makedirs(path, mode=0o711, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise OSError(f"{path} is not a directory owned by this user")


class Workspace:
    """A fresh per-run directory on the host; its ``box`` subdir is bound at /box.

    Files are created with O_EXCL|O_NOFOLLOW relative to the directory fd and
    the tree is removed with shutil.rmtree, which does not follow symlinks
    (fd-based on Linux; checked by check_host). It lives in the creating
    process's own directory (``process_root``), so ``remove_stale`` can clear
    what a killed worker left behind without touching a live process's runs.
    """

    def __init__(self) -> None:
        _own_directory(settings.work_root)
        _own_directory(process_root())
        self.root = tempfile.mkdtemp(prefix=PREFIX, dir=process_root())
        self.box = os.path.join(self.root, "box")
        try:
            os.mkdir(self.box, 0o755)
            if os.geteuid() == 0:
                os.chown(self.box, settings.sandbox_uid, settings.sandbox_gid)
        except OSError:
            self.remove()
            raise

    def __enter__(self) -> "Workspace":
        return self

    def write(self, name: str, text: str) -> None:
        if not _SAFE_NAME.match(name):
            raise ValueError(f"unsafe file name {name!r}")
        dir_fd = os.open(self.box, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=dir_fd)
        finally:
            os.close(dir_fd)
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __exit__(self, *exc) -> None:
        self.remove()


def remove_stale() -> int:
    """Remove the process directories of this instance whose process is gone (a worker killed
    mid-run or while idle); returns how many. Only this instance's work root is looked at, and in
    it only `proc-<pid>` directories: another instance's runs live under another root."""
    removed = 0
    try:
        names = os.listdir(settings.work_root)
    except OSError:
        return 0
    for name in names:
        owner = name[len(PROCESS_PREFIX):]
        if not name.startswith(PROCESS_PREFIX) or not owner.isdigit():
            continue
        if int(owner) == os.getpid() or os.path.exists(f"/proc/{owner}"):
            continue
        shutil.rmtree(os.path.join(settings.work_root, name), ignore_errors=True)
        removed += 1
    return removed
