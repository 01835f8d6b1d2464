"""One sandboxed process tree: bubblewrap + seccomp + cgroup + rlimits + capped pipes.

``execute(BoxRun) -> BoxOutcome`` is the only entry point. It never raises for
anything the program does; host-side failures come back as ``ok=False`` with a
message, which callers turn into the ``SE`` verdict.

Layout inside the box: ``/box`` (the run's work dir, cwd), ``/tmp`` and
``/dev/shm`` (fresh size-limited tmpfs), a private ``/dev`` and ``/proc``, and
read-only binds of ``/usr`` (plus the merged-/usr symlinks), a few ``/etc``
files the runtimes need, and the language's own runtime dirs. Nothing else of
the host exists there.

File descriptors in the box: 0 stdin (a memfd holding the input), 1/2 pipes
to the host, 5 the optional result channel used by the function harness.
Fd 3 (bwrap's --block-fd start marker) and 4 (seccomp program) are consumed
and closed by bwrap before the program runs.
"""

from __future__ import annotations

import array
import atexit
import fcntl
import functools
import json
import math
import os
import resource
import select
import signal
import socket
import termios
import time
from dataclasses import dataclass, field

from . import cgroups, seccomp
from .config import settings

BOX_DIR = "/box"
RESULT_FD = 5
_BLOCK_FD = 3
_SECCOMP_FD = 4
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


def _bwrap_argv(run: BoxRun) -> list[str]:
    lim = run.limits
    argv = [settings.bwrap_path, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup"]
    if _is_root():
        # Privileged bwrap: no user namespace needed; the program then runs as a
        # real unprivileged uid via setpriv (caps below are only for setpriv).
        argv += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
    else:
        argv += ["--unshare-user", "--disable-userns",
                 "--uid", str(settings.sandbox_uid), "--gid", str(settings.sandbox_gid),
                 "--cap-drop", "ALL"]
    argv += ["--die-with-parent", "--new-session", "--hostname", "box"]
    ops = list(system_binds()) + [("--ro-bind", host, dest) for host, dest in run.binds]
    for directory in _parent_dirs([op[2] for op in ops]):
        argv += ["--perms", "0755", "--dir", directory]
    for op in ops:
        argv += op
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(lim.tmpfs_mb << 20), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(lim.tmpfs_mb << 20), "--tmpfs", "/dev/shm",
             "--bind" if run.writable else "--ro-bind", run.workdir, BOX_DIR,
             "--chdir", BOX_DIR, "--seccomp", str(_SECCOMP_FD), "--block-fd", str(_BLOCK_FD), "--"]
    if _is_root():
        argv += [settings.setpriv_path, f"--reuid={settings.sandbox_uid}", f"--regid={settings.sandbox_gid}",
                 "--clear-groups", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--"]
    return argv + list(run.argv)


def _rlimits(lim: BoxLimits, cgroup_ok: bool) -> list[tuple[int, int, int]]:
    cpu = max(1, math.ceil(lim.cpu_s)) + 1
    mem = lim.memory_mb << 20
    stack = (lim.stack_mb or lim.memory_mb) << 20
    limits = [
        (resource.RLIMIT_CPU, cpu, cpu + 1),
        (resource.RLIMIT_FSIZE, lim.file_mb << 20, lim.file_mb << 20),
        (resource.RLIMIT_NOFILE, lim.nofile, lim.nofile),
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_STACK, stack, stack),
        (resource.RLIMIT_MSGQUEUE, 0, 0),
    ]
    if not cgroup_ok:
        limits.append((resource.RLIMIT_AS, mem, mem))
        limits.append((resource.RLIMIT_NPROC, lim.pids, lim.pids))
    return limits


def _close_all_but(keep: list[int]) -> None:
    low = 3
    for fd in sorted(keep):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 1 << 20)


def _become_program(argv, env, fds, rlimits):  # pragma: no cover - runs in the forked child
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


class Stem:
    """A child forked ahead of time that has already joined a fresh cgroup.

    Moving a process into a cgroup v1 memory group waits for an RCU grace period
    (10-30 ms on this kind of host). A stem pays that while the previous run is
    still going; ``launch`` then only hands it the run's argv, env and fds
    (SCM_RIGHTS) and it execs bwrap at once. Each stem is used once.
    """

    def __init__(self, support: cgroups.CgroupSupport | None):
        self.owner = os.getpid()
        self.group = cgroups.RunCgroup(support, 0, 0) if support is not None else None
        self.sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        procs = self.group.procs_files if self.group else []
        try:
            self.pid = os.fork()
        except OSError:
            self.sock.close()
            child_sock.close()
            if self.group:
                self.group.remove()
            raise
        if self.pid == 0:  # pragma: no cover - child
            code = 127
            try:
                self.sock.close()
                _close_all_but([child_sock.fileno()])
                status = b"r"
                try:
                    pid = str(os.getpid())
                    for path in procs:
                        with open(path, "w") as fh:
                            fh.write(pid)
                except OSError as exc:
                    status = f"cannot join the run's cgroup: {exc}".encode()
                child_sock.send(status)
                if status != b"r":
                    os._exit(code)
                msg, fds, _, _ = socket.recv_fds(child_sock, 1 << 20, 16)
                if not msg:
                    code = 0
                    os._exit(0)
                spec = json.loads(msg)
                _become_program(spec["argv"], spec["env"], fds, spec["rlimits"])
            except BaseException as exc:  # noqa: BLE001 - report anything to the parent
                try:
                    child_sock.send(f"{type(exc).__name__}: {exc}".encode(errors="replace"))
                finally:
                    os._exit(code)
        child_sock.close()

    def discard(self) -> None:
        self.sock.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        if self.group:
            self.group.kill_all()
            self.group.remove()

    def launch(self, argv, env, fds, rlimits) -> str | None:
        """Hand the run to the stem; None once bwrap is exec'd, else the error."""
        ready = self.sock.recv(4096)
        if ready != b"r":
            return ready.decode(errors="replace") or "the stem process died"
        spec = json.dumps({"argv": argv, "env": env, "rlimits": rlimits}).encode()
        socket.send_fds(self.sock, [spec], fds)
        error = self.sock.recv(4096)  # EOF: the socket was close-on-exec, so exec succeeded
        self.sock.close()
        return error.decode(errors="replace") if error else None


_next_stem: Stem | None = None


def _take_stem(support: cgroups.CgroupSupport | None) -> Stem:
    """The prepared stem (if it belongs to this process), then prepare the next one."""
    global _next_stem
    stem, _next_stem = _next_stem, None
    if stem is not None and stem.owner != os.getpid():
        stem = None  # inherited across fork() from another worker: not ours to use
    if stem is None:
        stem = Stem(support)
    if settings.prespawn:
        try:
            _next_stem = Stem(support)
        except OSError:
            _next_stem = None
    return stem


def discard_prepared_stem() -> None:
    """Stop the idle pre-forked stem (tests, shutdown)."""
    global _next_stem
    stem, _next_stem = _next_stem, None
    if stem is not None and stem.owner == os.getpid():
        stem.discard()


atexit.register(discard_prepared_stem)


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


def execute(run: BoxRun) -> BoxOutcome:
    """Run ``run.argv`` inside a fresh box and collect its outcome."""
    problem = host_problem()
    if problem:
        return BoxOutcome(ok=False, message=problem)
    lim = run.limits
    support = cgroups.detect()
    try:
        stem = _take_stem(support if support.version is not None else None)
    except OSError as exc:
        return BoxOutcome(ok=False, message=f"cannot prepare the run's process/cgroup: {exc}")
    group = stem.group
    try:
        if group is not None:
            group.set_limits(lim.memory_mb << 20, lim.pids)
        return _execute(run, stem)
    except OSError as exc:
        return BoxOutcome(ok=False, message=f"sandbox host error: {exc}")
    finally:
        stem.sock.close()
        if group is not None:
            group.kill_all()
            group.remove()


def _unread(fd: int) -> int:
    buf = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, buf)
    return buf[0]


def _execute(run: BoxRun, stem: Stem) -> BoxOutcome:
    lim = run.limits
    group = stem.group
    env = dict(_BASE_ENV)
    env.update({k: os.environ[k] for k in _PASSTHROUGH_ENV if k in os.environ})
    env.update(run.env)
    argv = _bwrap_argv(run)
    own: list[int] = []  # every fd we must close
    try:
        stdin_fd = _memfd("stdin", run.stdin)
        seccomp_fd = _memfd("seccomp", seccomp.cached_filter())
        own += [stdin_fd, seccomp_fd]
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        # bwrap consumes this byte just before it execs the program: proof that
        # its setup succeeded, so later failures are the program's, not ours.
        block_r, block_w = os.pipe()
        own += [out_r, out_w, err_r, err_w, block_r, block_w]
        os.write(block_w, b"x")
        child_fds = [stdin_fd, out_w, err_w, block_r, seccomp_fd]
        res_r = None
        if run.result_channel:
            res_r, res_w = os.pipe()
            own += [res_r, res_w]
            child_fds.append(res_w)
        rlimits = _rlimits(lim, group is not None)

        start = time.monotonic()
        error = stem.launch(argv, env, child_fds, rlimits)
        for fd in child_fds[1:]:
            os.close(fd)
            own.remove(fd)
        if error:
            try:
                os.waitpid(stem.pid, 0)
            except ChildProcessError:
                pass
            return BoxOutcome(ok=False, message=f"cannot start bubblewrap: {error}")
        cpu_base = group.reset_usage() if group is not None else 0
        outcome = _supervise(run, stem.pid, start, group, out_r, err_r, res_r, cpu_base)
        if outcome.ok and _unread(block_w) != 0:
            outcome = BoxOutcome(ok=False, wall_ms=outcome.wall_ms, message="bubblewrap failed to set up the box: "
                                 + outcome.stderr.decode(errors="replace").strip()[:500])
        return outcome
    finally:
        for fd in own:
            try:
                os.close(fd)
            except OSError:
                pass


def _supervise(run, pid, start, group, out_r, err_r, res_r, cpu_base) -> BoxOutcome:
    lim = run.limits
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
