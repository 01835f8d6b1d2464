"""One sandboxed process tree: bubblewrap + seccomp + cgroup + rlimits + capped pipes.

A ``Box`` is set up, then ``start`` runs one program in it and returns a
``BoxOutcome``. Boxes come from ``warm_pool`` (``POOL.take(shape)``, or
``execute(BoxRun)`` in one call); the command that builds them is in
``bwrap_command`` and the watch over a running program in ``supervisor``.
Nothing raises for anything the program does; host-side failures come back as
``ok=False`` with a message, which callers turn into the ``SE`` verdict.

Layout inside the box: ``/box`` (the run's work dir, cwd; for a run a fresh
size-limited tmpfs holding a copy of it, see ``scratch``), ``/tmp`` and
``/dev/shm`` (fresh size-limited tmpfs), a private ``/dev`` and ``/proc``, and
read-only binds of ``/usr`` (plus the merged-/usr symlinks), a few ``/etc``
files the runtimes need, and the language's own runtime dirs. Nothing else of
the host exists there.

A box is set up before its run is known: bwrap builds it, seccomp applies,
setpriv drops to the sandbox uid (root mode) and our launcher, a fixed
``/bin/sh`` script, reports ready and waits on the control socket (fd 3) for
one line from the host: the run's ulimits and argv. It closes fd 3 and execs
the program, so untrusted code only ever starts from that exec.

File descriptors the program gets: 0 stdin (a memfd holding the input), 1/2
pipes to the host, 5 the optional result channel used by the function harness.
Fd 4 (seccomp program) is consumed and closed by bwrap.
"""

from __future__ import annotations

import fcntl
import os
import resource
import signal
import socket
import time
from typing import Protocol

from . import bwrap_command, cgroups, scratch, seccomp
from .box_spec import BoxLimits, BoxOutcome, BoxShape
from .supervisor import Supervisor, drain, kill_tree
from .workspace import Workspace

SETUP_TIMEOUT_S = 10.0


class BoxPool(Protocol):
    """What a box tells the pool that made it (``warm_pool.WarmPool``)."""

    def while_a_box_runs(self, next_shape: BoxShape | None) -> None:
        """Tidy earlier boxes and, given a shape, set up the next box of it while this box's program runs."""

    def retire(self, box: "Box") -> None:
        """Keep a finished box's empty cgroup and work dir for removal during a later run."""


class Box:
    """One sandboxed process tree, set up before its run is known; used once.

    Creating a Box forks a child that joins the box's fresh cgroup (a cgroup v1
    attach waits for an RCU grace period) and execs bwrap, which builds the
    namespaces and mounts, applies seccomp and (as root) setpriv drops to the
    sandbox uid; then our fixed launcher (``_LAUNCHER``, trusted, no input but
    the host's line) says "r" on the control socket and waits. All of that runs
    while the host does other work (usually the previous run), so ``start`` only
    writes stdin, sets the cgroup limits, resets the counters and sends the line.
    """

    def __init__(self, shape: BoxShape, support: cgroups.CgroupSupport | None, pool: "BoxPool | None" = None):
        self.shape = shape
        self.pool = pool
        self.owner = os.getpid()
        self.pid: int | None = None
        self.used = False
        self.keep_warm = False
        self.workspace: Workspace | None = None
        self.group: cgroups.RunCgroup | None = None
        self._host_fds: list[int] = []
        self.sock: socket.socket | None = None
        try:
            if shape.workdir is None:
                self.workspace = Workspace()
                self.workdir = self.workspace.box
            else:
                self.workdir = shape.workdir
            self.group = cgroups.RunCgroup(support, 0, 0) if support is not None else None
            self._spawn()
        except BaseException:
            self.discard()
            raise

    def _spawn(self) -> None:
        shape = self.shape
        self.sock, box_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        child_fds: list[int] = []
        try:
            self.stdin_fd = os.memfd_create("stdin", os.MFD_CLOEXEC)
            self._host_fds.append(self.stdin_fd)
            seccomp_fd = memfd("seccomp", seccomp.cached_filter())
            child_fds.append(seccomp_fd)
            self.out_r, out_w = os.pipe()
            self._host_fds.append(self.out_r)
            child_fds.append(out_w)
            self.err_r, err_w = os.pipe()
            self._host_fds.append(self.err_r)
            child_fds.append(err_w)
            layout = [self.stdin_fd, out_w, err_w, box_sock.fileno(), seccomp_fd]
            self.res_r = None
            if shape.result_channel:
                self.res_r, res_w = os.pipe()
                self._host_fds.append(self.res_r)
                child_fds.append(res_w)
                layout.append(res_w)
            env = dict(bwrap_command.BASE_ENV)
            env.update({k: os.environ[k] for k in bwrap_command.PASSTHROUGH_ENV if k in os.environ})
            env.update(dict(shape.env))
            argv = bwrap_command.bwrap_argv(shape, self.workdir)
            rlimits = bwrap_command.spawn_rlimits(shape, self.group is not None)
            procs = self.group.procs_files if self.group else []
            self.pid = os.fork()
            if self.pid == 0:  # pragma: no cover - child
                try:
                    report = fcntl.fcntl(box_sock.fileno(), fcntl.F_DUPFD_CLOEXEC, 64)
                    _close_all_but(layout + [report])
                    pid = str(os.getpid())
                    for path in procs:
                        with open(path, "w") as fh:
                            fh.write(pid)
                    _become_bwrap(argv, env, layout, rlimits)
                except BaseException as exc:  # noqa: BLE001 - report anything to the host
                    try:
                        os.write(report, f"E{type(exc).__name__}: {exc}".encode(errors="replace"))
                    finally:
                        os._exit(127)
        finally:
            box_sock.close()
            for fd in child_fds:
                os.close(fd)

    def __enter__(self) -> "Box":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def _setup_failure(self) -> str | None:
        """Wait for the launcher's "r"; None when the box is ready, else why not."""
        self.sock.settimeout(SETUP_TIMEOUT_S)
        try:
            first = self.sock.recv(1)
        except TimeoutError:
            return f"the box was not ready within {SETUP_TIMEOUT_S:.0f} s"
        if first == b"r":
            return None
        if first == b"E":
            return "cannot start bubblewrap: " + self.sock.recv(4096).decode(errors="replace")
        kill_tree(self.pid, self.group)
        self._reap()
        return "bubblewrap failed to set up the box: " + drain(self.err_r).decode(errors="replace").strip()[:500]

    def _reap(self) -> None:
        if self.pid is not None:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = None

    def start(self, argv: list[str], limits: BoxLimits, stdin: bytes = b"") -> BoxOutcome:
        """Run ``argv`` in this box under ``limits`` and collect the outcome; then clean up."""
        if self.used or self.owner != os.getpid():
            raise RuntimeError("a box serves exactly one run, in the process that set it up")
        self.used = True
        try:
            problem = self._setup_failure()
            if problem:
                return BoxOutcome(ok=False, message=problem)
            view = memoryview(stdin)
            while view:
                view = view[os.write(self.stdin_fd, view):]
            os.lseek(self.stdin_fd, 0, os.SEEK_SET)  # the box shares this file offset
            group = self.group
            cpu_base = 0
            if group is not None:
                group.set_limits(limits.memory_mb << 20, limits.pids)
                cpu_base = group.reset_usage()
            start = time.monotonic()
            self.sock.sendall(bwrap_command.launch_line(argv, limits, group is not None, copy_in=self.shape.scratch))
            # While the program runs: tidy earlier runs and set up the next box.
            if self.pool is not None:
                self.pool.while_a_box_runs(self.shape if self.keep_warm else None)
            pid, self.pid = self.pid, None  # the supervisor reaps it
            outcome = Supervisor(limits, pid, start, group, self.out_r, self.err_r, self.res_r, cpu_base).watch()
            self.sock.setblocking(False)
            try:
                acked = self.sock.recv(16) == b"g"
            except BlockingIOError:
                acked = False
            if outcome.ok and not acked:
                outcome = BoxOutcome(ok=False, wall_ms=outcome.wall_ms, message="the box launcher failed: "
                                     + outcome.stderr.decode(errors="replace").strip()[:500])
            limited = outcome.oom or outcome.cpu_exceeded or outcome.wall_timeout or outcome.output_exceeded
            if outcome.ok and not limited:
                outcome.disk_full = scratch.ran_out_of_space(outcome.exit_code, outcome.signal, outcome.stderr)
                outcome.disk_mb = self.shape.tmpfs_mb
            return outcome
        except OSError as exc:
            return BoxOutcome(ok=False, message=f"sandbox host error: {exc}")
        finally:
            self.discard(defer_removal=True)

    def discard(self, defer_removal: bool = False) -> None:
        """Stop the box's processes (now), then remove its cgroup and its own work dir.

        ``defer_removal``: once every process is gone, leave the two (empty
        cgroup, dead work dir) for ``finish_cleanup``, which the next run calls
        while its program runs, and atexit calls at the end.
        """
        if self.owner != os.getpid():
            self.forget()
            return
        if self.pid is not None:
            kill_tree(self.pid, None)
        empty = self.group.kill_all() if self.group is not None else True
        self._reap()
        self.forget()
        if defer_removal and empty and self.pool is not None:
            self.pool.retire(self)
        else:
            self.remove_leftovers()

    def remove_leftovers(self) -> None:
        if self.group is not None:
            self.group.kill_all()
            self.group.remove()
            self.group = None
        if self.workspace is not None:
            self.workspace.remove()
            self.workspace = None

    def forget(self) -> None:
        """Close the host-side fds without touching the box (a forked child's copy of a parent's box)."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        for fd in self._host_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self._host_fds = []


def _close_all_but(keep: list[int]) -> None:
    low = 3
    for fd in sorted(keep):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 1 << 20)


def _become_bwrap(argv, env, fds, rlimits):  # pragma: no cover - runs in the forked child
    """In the child: lay out fds 0..n-1, reset signals, set rlimits, exec bwrap."""
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 16) for fd in fds]
    for target, fd in enumerate(high):
        os.dup2(fd, target, inheritable=True)
    for fd in set(high) | set(fds):
        if fd >= len(fds):
            os.close(fd)
    for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGXCPU, signal.SIGINT, signal.SIGTERM, signal.SIGHUP,
                signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for which, soft, hard in rlimits:
        resource.setrlimit(which, (soft, hard))
    os.execve(argv[0], argv, env)


def memfd(name: str, data: bytes) -> int:
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
