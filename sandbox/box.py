"""One sandboxed process tree: bubblewrap + seccomp + cgroup + rlimits + capped pipes.

``execute(BoxRun) -> BoxOutcome`` runs one program in a fresh box; ``take(shape)``
gives a ``Box`` to fill and ``start`` (``runner.run`` uses it for warm boxes).
Neither raises for anything the program does; host-side failures come back as
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

import atexit
import fcntl
import functools
import math
import os
import resource
import select
import shlex
import signal
import socket
import time
from dataclasses import dataclass, field

from . import cgroups, scratch, seccomp, workspace
from .config import settings
from .workspace import Workspace

BOX_DIR = "/box"
RESULT_FD = 5
_SECCOMP_FD = 4
SETUP_TIMEOUT_S = 10.0
LAUNCHER_SHELL = "/bin/sh"
# Trusted, fixed; runs as the sandbox uid under seccomp before any untrusted
# code. The host's line sets limits, acks with "g", closes fd 3 and execs.
_LAUNCHER = """nl='
'
printf r >&3 || exit 125
IFS= read -r cmd <&3 || exit 125
unset PWD
eval "$cmd"
"""
_ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime",
              "/etc/ssl/openssl.cnf")
_BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
}
# Non-secret host settings that runtimes need to behave (see OpenBLAS notes).
_PASSTHROUGH_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


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


def _is_root() -> bool:
    return os.geteuid() == 0


@functools.cache
def system_binds() -> tuple[tuple[str, ...], ...]:
    """bwrap operations for the read-only system part of the box (computed once)."""
    ops = [("--ro-bind", "/usr", "/usr")]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            ops.append(("--symlink", os.readlink(top), top))
        elif os.path.isdir(top):
            ops.append(("--ro-bind", top, top))
    for path in _ETC_FILES:
        if os.path.exists(path):
            ops.append(("--ro-bind", path, path))
    return tuple(ops)


def _parent_dirs(destinations: list[str]) -> list[str]:
    """Directories bwrap would otherwise create as 0700 root (unreadable for the program)."""
    mounted = set(destinations)
    dirs = set()
    for dest in destinations:
        parent = os.path.dirname(dest)
        while parent not in ("/", ""):
            if parent in mounted or any(parent.startswith(m + "/") for m in mounted):
                break
            dirs.add(parent)
            parent = os.path.dirname(parent)
    return sorted(dirs, key=lambda d: (d.count("/"), d))


def host_problem() -> str | None:
    """Why runs must fail closed right now, or None. Cheap: a few stat calls."""
    if not os.access(settings.bwrap_path, os.X_OK):
        return f"bubblewrap is not installed at {settings.bwrap_path}: apt-get install bubblewrap"
    if not os.access(LAUNCHER_SHELL, os.X_OK):
        return f"{LAUNCHER_SHELL} is missing (the box launcher needs it)"
    if _is_root() and not os.access(settings.setpriv_path, os.X_OK):
        return f"setpriv is missing at {settings.setpriv_path}: apt-get install util-linux"
    try:
        seccomp.cached_filter()
    except seccomp.UnsupportedArchitecture as exc:
        return f"seccomp filter unavailable: {exc}"
    if not os.path.exists("/proc/self/ns/user") or not os.path.exists("/proc/self/ns/pid"):
        return "the kernel lacks namespace support (CONFIG_USER_NS/CONFIG_PID_NS)"
    support = cgroups.detect()
    if support.version is None and not settings.allow_rlimit_fallback:
        return f"cgroups unavailable: {support.problem}"
    return None



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


def _bwrap_argv(shape: BoxShape, workdir: str) -> list[str]:
    argv = [settings.bwrap_path, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup"]
    if _is_root():
        # Privileged bwrap: no user namespace needed; the launcher then runs as a
        # real unprivileged uid via setpriv (caps below are only for setpriv).
        argv += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
    else:
        argv += ["--unshare-user", "--disable-userns",
                 "--uid", str(settings.sandbox_uid), "--gid", str(settings.sandbox_gid),
                 "--cap-drop", "ALL"]
    argv += ["--die-with-parent", "--new-session", "--hostname", "box"]
    ops = list(system_binds()) + [("--ro-bind", host, dest) for host, dest in shape.binds]
    for directory in _parent_dirs([op[2] for op in ops]):
        argv += ["--perms", "0755", "--dir", directory]
    for op in ops:
        argv += op
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(shape.tmpfs_mb << 20), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(shape.tmpfs_mb << 20), "--tmpfs", "/dev/shm"]
    if shape.scratch:
        argv += scratch.mount_ops(workdir, BOX_DIR, shape.tmpfs_mb)
    else:
        argv += ["--bind" if shape.writable else "--ro-bind", workdir, BOX_DIR]
    argv += ["--chdir", BOX_DIR, "--seccomp", str(_SECCOMP_FD), "--"]
    if _is_root():
        argv += [settings.setpriv_path, f"--reuid={settings.sandbox_uid}", f"--regid={settings.sandbox_gid}",
                 "--clear-groups", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--"]
    return argv + [LAUNCHER_SHELL, "-c", _LAUNCHER]


def _hard_limit(which: int) -> int:
    """This process's hard limit for ``which`` (RLIM_INFINITY when unlimited)."""
    return resource.getrlimit(which)[1]


def _at_most(value: int, ceiling: int) -> int:
    """The smaller of two rlimit values, RLIM_INFINITY being the largest."""
    inf = resource.RLIM_INFINITY
    if value == inf:
        return ceiling
    if ceiling == inf:
        return value
    return min(value, ceiling)


def _spawn_rlimits(shape: BoxShape, cgroup_ok: bool) -> list[tuple[int, int, int]]:
    """Limits set (as the host user) before bwrap starts. The per-run ones (CPU,
    stack, and without cgroups address space and processes) are lowered by the
    launcher, so their hard limits start as open as this process's own.

    Only ever lowers: raising a hard limit needs CAP_SYS_RESOURCE, which a worker
    in a container (or any unprivileged worker) does not have.
    """
    inf = resource.RLIM_INFINITY
    wanted = [
        (resource.RLIMIT_FSIZE, shape.file_mb << 20, shape.file_mb << 20),
        (resource.RLIMIT_NOFILE, shape.nofile, shape.nofile),
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_MSGQUEUE, 0, 0),
        (resource.RLIMIT_CPU, inf, inf),
        (resource.RLIMIT_STACK, resource.getrlimit(resource.RLIMIT_STACK)[0], inf),
    ]
    if not cgroup_ok:
        wanted += [(resource.RLIMIT_AS, inf, inf), (resource.RLIMIT_NPROC, inf, inf)]
    limits = []
    for which, soft, hard in wanted:
        hard = _at_most(hard, _hard_limit(which))
        limits.append((which, _at_most(soft, hard), hard))
    return limits


def _sh_word(arg: str) -> str:
    """One shell word for ``arg``; newlines come from the launcher's $nl so the line stays one line."""
    return '"$nl"'.join(shlex.quote(part) for part in arg.split("\n"))


def _ulimit_value(which: int, value: int, unit: int) -> int:
    """``value`` (in ``unit`` bytes or seconds) capped at the hard limit the box inherits from this process:
    the launcher runs without privileges and could not raise it."""
    hard = _hard_limit(which)
    return value if hard == resource.RLIM_INFINITY else min(value, hard // unit)


def _launch_line(argv: list[str], lim: BoxLimits, cgroup_ok: bool, copy_in: bool = False) -> bytes:
    """The command line the launcher evals: per-run rlimits, (the copy into a scratch /box), an ack,
    close fd 3, exec the program."""
    cpu_hard = _ulimit_value(resource.RLIMIT_CPU, max(1, math.ceil(lim.cpu_s)) + 2, 1)
    stack_kb = _ulimit_value(resource.RLIMIT_STACK, (lim.stack_mb or lim.memory_mb) << 10, 1024)
    steps = [f"ulimit -S -t {max(1, cpu_hard - 1)}", f"ulimit -H -t {cpu_hard}", f"ulimit -s {stack_kb}"]
    if not cgroup_ok:
        steps += [f"ulimit -v {_ulimit_value(resource.RLIMIT_AS, lim.memory_mb << 10, 1024)}",
                  f"ulimit -p {_ulimit_value(resource.RLIMIT_NPROC, lim.pids, 1)}"]
    if copy_in:
        steps.append(scratch.copy_step(BOX_DIR))
    steps += ["printf g >&3", "exec 3>&-", "exec " + " ".join(_sh_word(a) for a in argv)]
    return (" && ".join(steps) + "\n").encode()


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


def _memfd(name: str, data: bytes) -> int:
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _kill(pid: int, group: cgroups.RunCgroup | None) -> None:
    try:
        os.kill(pid, signal.SIGKILL)  # bwrap's --die-with-parent then tears the pid namespace down
    except ProcessLookupError:
        pass
    if group is not None:
        group.kill_all(timeout_s=0.5)


def _drain(fd: int, limit: int = 4096) -> bytes:
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

    def __init__(self, shape: BoxShape, support: cgroups.CgroupSupport | None):
        self.shape = shape
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
            seccomp_fd = _memfd("seccomp", seccomp.cached_filter())
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
            env = dict(_BASE_ENV)
            env.update({k: os.environ[k] for k in _PASSTHROUGH_ENV if k in os.environ})
            env.update(dict(shape.env))
            argv = _bwrap_argv(shape, self.workdir)
            rlimits = _spawn_rlimits(shape, self.group is not None)
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
        _kill(self.pid, self.group)
        self._reap()
        return "bubblewrap failed to set up the box: " + _drain(self.err_r).decode(errors="replace").strip()[:500]

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
            self.sock.sendall(_launch_line(argv, limits, group is not None, copy_in=self.shape.scratch))
            # While the program runs: tidy earlier runs and set up the next box.
            finish_cleanup()
            if self.keep_warm:
                _prepare_warm(self.shape)
            pid, self.pid = self.pid, None  # _supervise reaps it
            outcome = _supervise(limits, pid, start, group, self.out_r, self.err_r, self.res_r, cpu_base)
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
            _kill(self.pid, None)
        empty = self.group.kill_all() if self.group is not None else True
        self._reap()
        self.forget()
        if defer_removal and empty:
            _retired.append(self)
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


# Idle warm boxes of this process, oldest first (at most settings.warm_boxes).
_warm: dict[BoxShape, Box] = {}
# Finished boxes (no process left) whose cgroup and work dir are still to be removed.
_retired: list[Box] = []
_stale_checked = False


def _support() -> cgroups.CgroupSupport | None:
    support = cgroups.detect()
    return support if support.version is not None else None


def take(shape: BoxShape, keep_warm: bool = True) -> Box:
    """A box of ``shape``: the warm one if this process has it, else a new one.

    With ``keep_warm`` (and ``settings.warm_boxes``) the box's ``start`` prepares
    the next box of the same shape while the program runs. May raise OSError.
    """
    global _stale_checked
    box = _warm.pop(shape, None)
    if box is not None and box.owner != os.getpid():
        box.forget()  # inherited across fork() from another worker: not ours to use
        box = None
    if box is None:
        if not _stale_checked:
            _stale_checked = True
            workspace.remove_stale()
        box = Box(shape, _support())
    box.keep_warm = keep_warm and settings.warm_boxes > 0
    return box


def _prepare_warm(shape: BoxShape) -> None:
    if shape in _warm:
        return
    while _warm and len(_warm) >= settings.warm_boxes:
        _warm.pop(next(iter(_warm))).discard()
    try:
        _warm[shape] = Box(shape, _support())
    except OSError:
        pass  # only an optimisation: the next run sets up its own box


def idle_boxes() -> list[Box]:
    """This process's idle warm boxes (tests, shutdown)."""
    return [box for box in _warm.values() if box.owner == os.getpid()]


def retired_boxes() -> list[Box]:
    """Finished boxes of this process waiting for ``finish_cleanup`` (tests)."""
    return [box for box in _retired if box.owner == os.getpid()]


def finish_cleanup() -> None:
    """Remove the cgroups and work dirs of this process's finished boxes."""
    while _retired:
        box = _retired.pop()
        if box.owner == os.getpid():
            box.remove_leftovers()


def discard_warm_boxes(workdir: str | None = None) -> None:
    """Stop idle warm boxes: all of them, or those bound to ``workdir``."""
    for shape in list(_warm):
        if workdir is None or shape.workdir == workdir:
            _warm.pop(shape).discard()


def shutdown() -> None:
    """Stop every idle box and finish all cleanup (atexit; worker shutdown hooks)."""
    discard_warm_boxes()
    finish_cleanup()


def _forget_warm_boxes() -> None:  # pragma: no cover - runs in a forked child
    """After fork(): the parent's boxes are not ours; drop our copies of their fds."""
    for box in _warm.values():
        box.forget()
    _warm.clear()
    _retired.clear()


atexit.register(shutdown)
os.register_at_fork(after_in_child=_forget_warm_boxes)


def execute(run: BoxRun, keep_warm: bool = False) -> BoxOutcome:
    """Run ``run.argv`` inside a fresh box and collect its outcome.

    ``keep_warm``: the caller expects another run of the same shape (a judge's
    next test), so a box for it is prepared while this one runs.
    """
    problem = host_problem()
    if problem:
        return BoxOutcome(ok=False, message=problem)
    try:
        box = take(BoxShape.of(run), keep_warm=keep_warm)
    except OSError as exc:
        return BoxOutcome(ok=False, message=f"cannot prepare the run's process/cgroup: {exc}")
    return box.start(run.argv, run.limits, run.stdin)


def _supervise(lim: BoxLimits, pid, start, group, out_r, err_r, res_r, cpu_base) -> BoxOutcome:
    outcome = BoxOutcome(ok=True)
    buffers = {out_r: bytearray(), err_r: bytearray()}
    caps = {out_r: lim.output_bytes, err_r: lim.stderr_bytes}
    if res_r is not None:
        buffers[res_r] = bytearray()
        caps[res_r] = lim.result_bytes
    for fd in buffers:
        os.set_blocking(fd, False)
    poller = select.poll()
    for fd in buffers:
        poller.register(fd, select.POLLIN)
    open_fds = set(buffers)
    try:
        pidfd = os.pidfd_open(pid)
        poller.register(pidfd, select.POLLIN)
    except (AttributeError, OSError):
        pidfd = None
    exited = False
    killed = False
    deadline = start + lim.wall_s
    drain_deadline = None
    next_cpu_check = start + 0.05
    status = rusage = None
    try:
        while open_fds or not exited:
            now = time.monotonic()
            if not killed and now >= deadline:
                outcome.wall_timeout = True
                killed = True
                _kill(pid, group)
            if killed or exited:
                drain_deadline = drain_deadline or now + 2.0
                if now >= drain_deadline:
                    break  # something still holds a pipe; the cgroup kill below ends it
            wait = max(0.0, min(deadline, next_cpu_check, drain_deadline or deadline) - now)
            for fd, _ in poller.poll(wait * 1000):
                if fd == pidfd:
                    poller.unregister(pidfd)
                    exited = True
                    continue
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    poller.unregister(fd)
                    open_fds.discard(fd)
                    continue
                buf = buffers[fd]
                room = caps[fd] - len(buf)
                if len(data) > room:
                    buf += data[:max(room, 0)]
                    if fd in (out_r, res_r) and not killed:
                        outcome.output_exceeded = True
                        killed = True
                        _kill(pid, group)
                else:
                    buf += data
            if pidfd is None and not exited:
                got, st, ru = os.wait4(pid, os.WNOHANG)
                if got:
                    exited, status, rusage = True, st, ru
            now = time.monotonic()
            if now >= next_cpu_check:
                next_cpu_check = now + 0.05
                if group is not None and not killed and not exited:
                    cpu = group.cpu_ns()
                    if cpu is not None and cpu - cpu_base > lim.cpu_s * 1e9:
                        outcome.cpu_exceeded = True
                        killed = True
                        _kill(pid, group)
    finally:
        if not exited and not killed:
            _kill(pid, group)
        if status is None:
            _, status, rusage = os.wait4(pid, 0)
        if pidfd is not None:
            os.close(pidfd)
    outcome.wall_ms = int((time.monotonic() - start) * 1000)
    if group is not None:
        group.kill_all()
    outcome.stdout = bytes(buffers[out_r])
    outcome.stderr = bytes(buffers[err_r])
    outcome.result = bytes(buffers[res_r]) if res_r is not None else b""
    if os.WIFSIGNALED(status):
        outcome.signal = os.WTERMSIG(status)
    else:
        code = os.WEXITSTATUS(status)
        # bwrap reports a child killed by signal N as exit status 128+N.
        if 128 < code <= 128 + 64:
            outcome.signal = code - 128
        else:
            outcome.exit_code = code
    cpu_ns = group.cpu_ns() if group is not None else None
    if cpu_ns is not None:
        cpu_ns -= cpu_base
    else:
        cpu_ns = int((rusage.ru_utime + rusage.ru_stime) * 1e9)
    outcome.cpu_ms = int(cpu_ns / 1e6)
    if outcome.cpu_ms > lim.cpu_s * 1000 or outcome.signal == signal.SIGXCPU:
        outcome.cpu_exceeded = True
    if outcome.signal == signal.SIGXFSZ:
        outcome.file_size_exceeded = True
    if group is not None:
        outcome.memory_kb = group.peak_bytes() // 1024
        outcome.oom = group.oom_killed()
    else:
        outcome.memory_kb = rusage.ru_maxrss
    return outcome
