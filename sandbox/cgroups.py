"""Per-run control groups: memory and pids limits, peak memory, CPU time, kill-all.

Supports cgroup v1 (separate memory/pids/cpuacct hierarchies) and v2 (one
unified hierarchy whose parent delegates memory and pids). A run's group is
created under the worker's own group, so the worker's limits still apply.
"""

from __future__ import annotations

import errno
import functools
import os
import signal
import time
import uuid
from dataclasses import dataclass

CGROUP_ROOT = "/sys/fs/cgroup"
GROUP_PREFIX = "ipsandbox-"  # + creating worker's pid + random suffix


@dataclass(frozen=True)
class CgroupSupport:
    version: int | None  # 1, 2 or None when unusable
    memory_parent: str | None = None
    pids_parent: str | None = None
    cpu_parent: str | None = None
    problem: str = ""


def _own_path(controller: str) -> str:
    """Path of this process's group for a v1 controller (or "" for v2 with controller "")."""
    with open("/proc/self/cgroup") as fh:
        for line in fh:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            if controller in controllers.split(","):
                return path
    return "/"


def _v1_group_dir(controller: str) -> str | None:
    """This process's v1 group for ``controller`` as a directory, or None.

    Found through /proc/self/mountinfo rather than assumed at ``/sys/fs/cgroup/<controller>/<own path>``:
    in a container the mount's root is the container's own group (``/docker/<id>``), which
    /proc/self/cgroup names in full, so the directory is the mount point itself.
    """
    own = _own_path(controller)
    try:
        with open("/proc/self/mountinfo") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    for line in reversed(lines):  # a later mount on the same point covers an earlier one
        fields, _, tail = line.partition(" - ")
        parts, super_parts = fields.split(), tail.split()
        if len(parts) < 5 or len(super_parts) < 3 or super_parts[0] != "cgroup":
            continue
        if controller not in super_parts[2].split(","):
            continue
        root, mount_point = parts[3], parts[4]
        if own == root or own.startswith(root.rstrip("/") + "/"):
            path = os.path.join(mount_point, own[len(root.rstrip("/")):].lstrip("/")).rstrip("/") or "/"
            if os.path.isdir(path):
                return path
    return None


def _writable_dir(path: str) -> bool:
    probe = os.path.join(path, f"ipsandbox-probe-{uuid.uuid4().hex[:8]}")
    try:
        os.mkdir(probe)
    except OSError:
        return False
    os.rmdir(probe)
    return True


def remove_stale(support: CgroupSupport, older_than_s: float = 300.0) -> int:
    """Remove empty run groups left by workers that were killed (rmdir fails on busy ones)."""
    removed = 0
    for parent in {support.memory_parent, support.pids_parent, support.cpu_parent} - {None}:
        for name in os.listdir(parent):
            path = os.path.join(parent, name)
            try:
                if name.startswith("ipsandbox-") and time.time() - os.stat(path).st_mtime > older_than_s:
                    os.rmdir(path)
                    removed += 1
            except OSError:
                pass
    return removed


@functools.cache
def detect() -> CgroupSupport:
    """Find where this process may create per-run groups (cached); clears stale groups once."""
    support = _detect()
    if support.version is not None:
        remove_stale(support)
    return support


def _detect() -> CgroupSupport:
    v1 = {c: os.path.join(CGROUP_ROOT, c) for c in ("memory", "pids", "cpuacct")}
    if os.path.exists(os.path.join(v1["memory"], "memory.limit_in_bytes")) and os.path.isdir(v1["pids"]):
        parents = {}
        for controller in v1:
            parent = _v1_group_dir(controller)
            parents[controller] = parent if parent and os.path.isdir(parent) and _writable_dir(parent) else None
        if parents["memory"] and parents["pids"]:
            return CgroupSupport(1, parents["memory"], parents["pids"], parents["cpuacct"])
        return CgroupSupport(None, problem="cgroup v1 memory/pids groups cannot be created "
                                           "(run the worker as root or delegate the groups; in a container, "
                                           "the worker's entrypoint remounts them writable)")
    if os.path.exists(os.path.join(CGROUP_ROOT, "cgroup.controllers")):
        parent = os.path.join(CGROUP_ROOT, _own_path("").lstrip("/"))
        try:
            with open(os.path.join(parent, "cgroup.subtree_control")) as fh:
                enabled = fh.read().split()
            if not {"memory", "pids"} <= set(enabled):
                with open(os.path.join(parent, "cgroup.subtree_control"), "w") as fh:
                    fh.write("+memory +pids")
        except OSError:
            return CgroupSupport(None, problem="cgroup v2 is mounted but memory and pids are not delegated to "
                                               "this process's group (systemd Delegate=yes, worker in a leaf group)")
        if _writable_dir(parent):
            return CgroupSupport(2, parent, parent, parent)
        return CgroupSupport(None, problem="cgroup v2 group is not writable by the worker")
    return CgroupSupport(None, problem="no cgroup memory controller is mounted")


def _write(path: str, value: str) -> None:
    with open(path, "w") as fh:
        fh.write(value)


def _read(path: str) -> str:
    try:
        with open(path) as fh:
            return fh.read()
    except OSError:
        return ""


class RunCgroup:
    """The groups of one run. ``procs_files`` are written by the child before exec."""

    def __init__(self, support: CgroupSupport, memory_bytes: int = 0, pids: int = 0):
        self.support = support
        name = f"{GROUP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:16]}"
        self.dirs: list[str] = []
        if support.version == 1:
            self.memory = os.path.join(support.memory_parent, name)
            self.pids = os.path.join(support.pids_parent, name)
            self.cpu = os.path.join(support.cpu_parent, name) if support.cpu_parent else None
            self.dirs = [d for d in (self.memory, self.pids, self.cpu) if d]
        else:
            self.memory = self.pids = self.cpu = os.path.join(support.memory_parent, name)
            self.dirs = [self.memory]
        try:
            for d in self.dirs:
                os.mkdir(d, 0o700)
            if memory_bytes:
                self.set_limits(memory_bytes, pids)
        except OSError:
            self.remove()
            raise

    def set_limits(self, memory_bytes: int, pids: int) -> None:
        support = self.support
        if True:
            if support.version == 1:
                _write(os.path.join(self.memory, "memory.limit_in_bytes"), str(memory_bytes))
                swap = os.path.join(self.memory, "memory.memsw.limit_in_bytes")
                if os.path.exists(swap):
                    _write(swap, str(memory_bytes))
                _write(os.path.join(self.pids, "pids.max"), str(pids))
            else:
                _write(os.path.join(self.memory, "memory.max"), str(memory_bytes))
                _write(os.path.join(self.memory, "memory.swap.max"), "0")
                _write(os.path.join(self.pids, "pids.max"), str(pids))

    def reset_usage(self) -> int:
        """Restart peak-memory tracking now; return the CPU counter as a baseline."""
        if self.support.version == 1:
            try:
                _write(os.path.join(self.memory, "memory.max_usage_in_bytes"), "0")
            except OSError:
                pass
        else:
            try:
                _write(os.path.join(self.memory, "memory.peak"), "0")
            except OSError:
                pass
        return self.cpu_ns() or 0

    @property
    def procs_files(self) -> list[str]:
        return [os.path.join(d, "cgroup.procs") for d in dict.fromkeys(self.dirs)]

    def cpu_ns(self) -> int | None:
        if self.support.version == 1:
            if not self.cpu:
                return None
            text = _read(os.path.join(self.cpu, "cpuacct.usage")).strip()
            return int(text) if text else None
        for line in _read(os.path.join(self.cpu, "cpu.stat")).splitlines():
            if line.startswith("usage_usec "):
                return int(line.split()[1]) * 1000
        return None

    def peak_bytes(self) -> int:
        name = "memory.max_usage_in_bytes" if self.support.version == 1 else "memory.peak"
        text = _read(os.path.join(self.memory, name)).strip()
        return int(text) if text.isdigit() else 0

    def oom_killed(self) -> bool:
        name = "memory.oom_control" if self.support.version == 1 else "memory.events"
        for line in _read(os.path.join(self.memory, name)).splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip() not in ("", "0"):
                return True
        return False

    def pids_in_group(self) -> list[int]:
        return [int(p) for p in _read(os.path.join(self.pids, "cgroup.procs")).split()]

    def kill_all(self, timeout_s: float = 2.0) -> bool:
        """SIGKILL every process in the group until it is empty; True when empty."""
        if self.support.version == 2:
            try:
                _write(os.path.join(self.pids, "cgroup.kill"), "1")
            except OSError:
                pass
        deadline = time.monotonic() + timeout_s
        pause = 0.0002  # dying processes leave the group within a few ms: poll fast, then back off
        while True:
            pids = self.pids_in_group()
            if not pids:
                return True
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if time.monotonic() > deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.005)

    def remove(self) -> None:
        for d in reversed(self.dirs):
            for _ in range(200):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if exc.errno != errno.EBUSY:
                        break
                    time.sleep(0.005)
