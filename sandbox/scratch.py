"""The box's disk: every place a program may write is a size-limited tmpfs.

``/tmp`` and ``/dev/shm`` are fresh tmpfs mounts. A run's writable ``/box``
(``BoxShape.scratch``) is one too: the host's work dir is bound read-only at
``SOURCE_DIR`` and the launcher copies it into the fresh ``/box`` just before
the program starts (the files are only known then, the box was set up ahead).
So nothing a program writes reaches the host's disk, each mount holds at most
``size_mb``, and the pages count in the run's memory cgroup. The quota is a
quarter of the memory limit (8 to 64 MB), so a program that fills the disk
meets "no space left on device" well before the memory limit.

Only the compile step writes to the host's work dir (its output must outlive
the compiler's box); compilers are trusted and capped by RLIMIT_FSIZE.
"""

from __future__ import annotations

SOURCE_DIR = "/.src"
MIN_MB = 8
MAX_MB = 64
_NO_SPACE = b"no space left on device"  # strerror(ENOSPC); Node spells it in lower case


def size_mb(memory_limit_mb: int) -> int:
    """The size of each of the run's tmpfs mounts for a program with ``memory_limit_mb``."""
    return min(max(memory_limit_mb // 4, MIN_MB), MAX_MB)


def mount_ops(workdir: str, box_dir: str, mb: int) -> list[str]:
    """bwrap arguments: the work dir read-only at SOURCE_DIR, a fresh tmpfs of ``mb`` at ``box_dir``."""
    return ["--ro-bind", workdir, SOURCE_DIR, "--perms", "1777", "--size", str(mb << 20), "--tmpfs", box_dir]


def copy_step(box_dir: str) -> str:
    """The launcher's step that fills the tmpfs /box; run as the sandbox uid, under the run's limits."""
    return f"cp -R -- {SOURCE_DIR}/. {box_dir}/"


def ran_out_of_space(exit_code: int | None, signal: int | None, stderr: bytes) -> bool:
    """Did a failed program say it hit ENOSPC? (The tmpfs is gone by the time the host could look.)"""
    failed = signal is not None or exit_code not in (None, 0)
    return failed and _NO_SPACE in stderr[-4096:].lower()


def message(mb: int) -> str:
    return f"disk limit exceeded: /box and /tmp hold at most {mb} MB each"
