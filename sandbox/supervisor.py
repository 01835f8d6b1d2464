"""Watching one running box: capped pipes, wall and CPU deadlines, and the outcome once it has gone.

``Supervisor(...).watch()`` owns the program from the moment the launcher execs
it: it reads stdout, stderr and the optional result channel up to their caps,
kills the process tree on the first limit crossed, reaps it and measures what
it used (from the run's cgroup when there is one, else from rusage).
"""

from __future__ import annotations

import os
import select
import signal
import time
from dataclasses import dataclass, field

from . import cgroups
from .box_spec import BoxLimits, BoxOutcome

CPU_CHECK_EVERY_S = 0.05
# After the program exits (or is killed), how long a grandchild may keep a pipe open before we stop reading.
DRAIN_GRACE_S = 2.0
# bwrap reports a child killed by signal N as exit status 128+N.
_SIGNAL_EXIT_BASE = 128


def kill_tree(pid: int, group: cgroups.RunCgroup | None) -> None:
    try:
        os.kill(pid, signal.SIGKILL)  # bwrap's --die-with-parent then tears the pid namespace down
    except ProcessLookupError:
        pass
    if group is not None:
        group.kill_all(timeout_s=0.5)


def drain(fd: int, limit: int = 4096) -> bytes:
    """Whatever ``fd`` holds right now, up to ``limit`` bytes, without blocking."""
    data = b""
    os.set_blocking(fd, False)
    try:
        while len(data) < limit:
            chunk = os.read(fd, limit)
            if not chunk:
                break
            data += chunk
    except BlockingIOError:
        pass
    return data[:limit]


@dataclass
class Supervisor:
    """One run's program, from exec to reaped. ``pid`` is bwrap's; ``start`` the monotonic start time."""

    limits: BoxLimits
    pid: int
    start: float
    group: cgroups.RunCgroup | None
    stdout_fd: int
    stderr_fd: int
    result_fd: int | None
    cpu_base_ns: int
    outcome: BoxOutcome = field(default_factory=lambda: BoxOutcome(ok=True))
    _buffers: dict[int, bytearray] = field(default_factory=dict)
    _caps: dict[int, int] = field(default_factory=dict)
    _killed: bool = False
    _exited: bool = False
    _status: int | None = None
    _rusage: object = None

    def watch(self) -> BoxOutcome:
        self._buffers = {self.stdout_fd: bytearray(), self.stderr_fd: bytearray()}
        self._caps = {self.stdout_fd: self.limits.output_bytes, self.stderr_fd: self.limits.stderr_bytes}
        if self.result_fd is not None:
            self._buffers[self.result_fd] = bytearray()
            self._caps[self.result_fd] = self.limits.result_bytes
        try:
            pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            pidfd = None
        try:
            self._pump(pidfd)
        finally:
            if not self._exited and not self._killed:
                kill_tree(self.pid, self.group)
            if self._status is None:
                _, self._status, self._rusage = os.wait4(self.pid, 0)
            if pidfd is not None:
                os.close(pidfd)
        self.outcome.wall_ms = int((time.monotonic() - self.start) * 1000)
        if self.group is not None:
            self.group.kill_all()
        self._record_output()
        self._record_exit()
        self._record_usage()
        return self.outcome

    def _kill(self, reason: str) -> None:
        setattr(self.outcome, reason, True)
        self._killed = True
        kill_tree(self.pid, self.group)

    def _pump(self, pidfd: int | None) -> None:
        """Read the pipes until they close and the program has exited, enforcing the caps and deadlines."""
        poller = select.poll()
        for fd in self._buffers:
            os.set_blocking(fd, False)
            poller.register(fd, select.POLLIN)
        if pidfd is not None:
            poller.register(pidfd, select.POLLIN)
        open_fds = set(self._buffers)
        deadline = self.start + self.limits.wall_s
        drain_deadline = None
        next_cpu_check = self.start + CPU_CHECK_EVERY_S
        while open_fds or not self._exited:
            now = time.monotonic()
            if not self._killed and now >= deadline:
                self._kill("wall_timeout")
            if self._killed or self._exited:
                drain_deadline = drain_deadline or now + DRAIN_GRACE_S
                if now >= drain_deadline:
                    break  # something still holds a pipe; the cgroup kill after the loop ends it
            wait = max(0.0, min(deadline, next_cpu_check, drain_deadline or deadline) - now)
            for fd, _ in poller.poll(wait * 1000):
                if fd == pidfd:
                    poller.unregister(pidfd)
                    self._exited = True
                elif not self._read(fd):
                    poller.unregister(fd)
                    open_fds.discard(fd)
            if pidfd is None and not self._exited:
                got, status, rusage = os.wait4(self.pid, os.WNOHANG)
                if got:
                    self._exited, self._status, self._rusage = True, status, rusage
            now = time.monotonic()
            if now >= next_cpu_check:
                next_cpu_check = now + CPU_CHECK_EVERY_S
                self._check_cpu()

    def _read(self, fd: int) -> bool:
        """Take what ``fd`` has, up to its cap; False once it is closed."""
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return True
        if not data:
            return False
        buf = self._buffers[fd]
        room = self._caps[fd] - len(buf)
        if len(data) <= room:
            buf += data
            return True
        buf += data[:max(room, 0)]
        # stderr is only truncated; a program flooding its answer (stdout or the result channel) is OLE.
        if fd != self.stderr_fd and not self._killed:
            self._kill("output_exceeded")
        return True

    def _check_cpu(self) -> None:
        if self.group is None or self._killed or self._exited:
            return
        cpu = self.group.cpu_ns()
        if cpu is not None and cpu - self.cpu_base_ns > self.limits.cpu_s * 1e9:
            self._kill("cpu_exceeded")

    def _record_output(self) -> None:
        self.outcome.stdout = bytes(self._buffers[self.stdout_fd])
        self.outcome.stderr = bytes(self._buffers[self.stderr_fd])
        self.outcome.result = bytes(self._buffers[self.result_fd]) if self.result_fd is not None else b""

    def _record_exit(self) -> None:
        status = self._status
        if os.WIFSIGNALED(status):
            self.outcome.signal = os.WTERMSIG(status)
            return
        code = os.WEXITSTATUS(status)
        if _SIGNAL_EXIT_BASE < code <= _SIGNAL_EXIT_BASE + 64:
            self.outcome.signal = code - _SIGNAL_EXIT_BASE
        else:
            self.outcome.exit_code = code

    def _record_usage(self) -> None:
        outcome, group = self.outcome, self.group
        cpu_ns = group.cpu_ns() if group is not None else None
        if cpu_ns is not None:
            cpu_ns -= self.cpu_base_ns
        else:
            cpu_ns = int((self._rusage.ru_utime + self._rusage.ru_stime) * 1e9)
        outcome.cpu_ms = int(cpu_ns / 1e6)
        if outcome.cpu_ms > self.limits.cpu_s * 1000 or outcome.signal == signal.SIGXCPU:
            outcome.cpu_exceeded = True
        if outcome.signal == signal.SIGXFSZ:
            outcome.file_size_exceeded = True
        if group is not None:
            outcome.memory_kb = group.peak_bytes() // 1024
            outcome.oom = group.oom_killed()
        else:
            outcome.memory_kb = self._rusage.ru_maxrss
