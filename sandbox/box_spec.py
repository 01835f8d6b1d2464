"""What a box run is made of: its limits, its program, its outcome, and the shape fixed at set-up.

Plain data, shared by the command builder (``bwrap_command``), the box itself
(``box``), its supervisor and the warm-box pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BoxLimits:
    cpu_s: float
    wall_s: float
    memory_mb: int
    pids: int = 64
    output_bytes: int = 64 * 1024
    stderr_bytes: int = 64 * 1024
    result_bytes: int = 4 * 1024 * 1024
    file_mb: int = 64
    nofile: int = 256
    tmpfs_mb: int = 64
    stack_mb: int | None = None  # None: same as memory


@dataclass
class BoxRun:
    argv: list[str]
    workdir: str  # host directory bound at /box
    limits: BoxLimits
    writable: bool = True
    stdin: bytes = b""
    binds: list[tuple[str, str]] = field(default_factory=list)  # extra read-only (host, box)
    env: dict[str, str] = field(default_factory=dict)
    result_channel: bool = False
    scratch: bool = False  # /box: a tmpfs copy of workdir (writes never reach the host)


@dataclass
class BoxOutcome:
    ok: bool  # False: the sandbox itself failed (message says why)
    message: str = ""
    exit_code: int | None = None
    signal: int | None = None
    stdout: bytes = b""
    stderr: bytes = b""
    result: bytes = b""
    cpu_ms: int = 0
    wall_ms: int = 0
    memory_kb: int = 0
    wall_timeout: bool = False
    cpu_exceeded: bool = False
    oom: bool = False
    output_exceeded: bool = False
    file_size_exceeded: bool = False
    disk_full: bool = False  # the program failed with ENOSPC on a tmpfs of disk_mb
    disk_mb: int = 0


@dataclass(frozen=True)
class BoxShape:
    """Everything fixed when a box is set up, before its run is known (a warm box's key).

    ``workdir`` None: the box gets a fresh ``Workspace`` of its own, created by
    the host before anything runs in the box. ``scratch``: /box is a tmpfs of
    ``tmpfs_mb`` that the launcher fills with a copy of the work dir.
    """

    binds: tuple[tuple[str, str], ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    writable: bool = True
    result_channel: bool = False
    tmpfs_mb: int = 64
    file_mb: int = 64
    nofile: int = 256
    workdir: str | None = None
    scratch: bool = False

    @classmethod
    def of(cls, run: BoxRun) -> "BoxShape":
        return cls(binds=tuple(run.binds), env=tuple(sorted(run.env.items())), writable=run.writable,
                   result_channel=run.result_channel, tmpfs_mb=run.limits.tmpfs_mb, file_mb=run.limits.file_mb,
                   nofile=run.limits.nofile, workdir=run.workdir, scratch=run.scratch)
