"""The command that builds a box: bubblewrap's argv, the launcher script and the per-run limits line.

Everything here is computed on the host before (argv, spawn rlimits) or at the
start of (the launch line) a run; nothing runs untrusted code.
"""

from __future__ import annotations

import functools
import math
import os
import resource
import shlex

from . import cgroups, scratch, seccomp
from .box_spec import BoxLimits, BoxShape
from .config import settings

BOX_DIR = "/box"
RESULT_FD = 5
SECCOMP_FD = 4
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
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
}
# Non-secret host settings that runtimes need to behave (see OpenBLAS notes).
PASSTHROUGH_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def is_root() -> bool:
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
    if is_root() and not os.access(settings.setpriv_path, os.X_OK):
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


def bwrap_argv(shape: BoxShape, workdir: str) -> list[str]:
    argv = [settings.bwrap_path, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup"]
    if is_root():
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
    argv += ["--chdir", BOX_DIR, "--seccomp", str(SECCOMP_FD), "--"]
    if is_root():
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


def spawn_rlimits(shape: BoxShape, cgroup_ok: bool) -> list[tuple[int, int, int]]:
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


def launch_line(argv: list[str], lim: BoxLimits, cgroup_ok: bool, copy_in: bool = False) -> bytes:
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
