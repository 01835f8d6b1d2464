"""Per-run work directories on the host (bound at /box inside a box)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile

from .config import settings

# \w is Unicode-aware and '$' is legal: Java names the file after its public class (`Über`, `$X`).
_SAFE_NAME = re.compile(r"^[\w$][\w$.-]{0,99}\Z")
PREFIX = "run-"  # + creating process's pid + "-" + random suffix


class Workspace:
    """A fresh per-run directory on the host; its ``box`` subdir is bound at /box.

    Files are created with O_EXCL|O_NOFOLLOW relative to the directory fd and
    the tree is removed with shutil.rmtree, which does not follow symlinks
    (fd-based on Linux; checked by check_host). The name carries the creating
    pid so ``remove_stale`` can clear what a killed worker left behind.
    """

    def __init__(self) -> None:
        os.makedirs(settings.work_root, mode=0o711, exist_ok=True)
        self.root = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=settings.work_root)
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
    """Remove work dirs whose creating process is gone (a worker killed mid-run or while idle)."""
    removed = 0
    try:
        names = os.listdir(settings.work_root)
    except OSError:
        return 0
    for name in names:
        owner = name[len(PREFIX):].split("-", 1)[0]
        if not name.startswith(PREFIX) or not owner.isdigit() or os.path.exists(f"/proc/{owner}"):
            continue
        shutil.rmtree(os.path.join(settings.work_root, name), ignore_errors=True)
        removed += 1
    return removed
