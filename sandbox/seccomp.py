"""Hand-assembled seccomp-BPF filter handed to bubblewrap with ``--seccomp FD``.

The filter is a deny list on top of the namespaces and the unprivileged user:
it removes kernel interfaces a judged program never needs and that widen the
attack surface (tracing, keyrings, BPF, io_uring, mounts, new namespaces...).
Denied calls fail with an errno instead of killing the process so programs and
runtimes that probe for features (glibc's clone3, libuv's io_uring) fall back.
"""

from __future__ import annotations

import errno
import functools
import platform
import struct

# BPF opcodes (linux/filter.h, linux/bpf_common.h).
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000

# Offsets in struct seccomp_data.
_NR = 0
_ARCH = 4
_ARG0_LOW = 16  # little-endian low half of args[0]

# Namespace-creating clone flags: CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC,
# NEWUSER, NEWPID, NEWNET, NEWTIME.
CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80

# Syscalls denied with EPERM, by name. Numbers per architecture below.
DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp",
    "keyctl", "add_key", "request_key",
    "bpf", "perf_event_open", "userfaultfd",
    "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr", "open_by_handle_at", "name_to_handle_at",
    "unshare", "setns",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "acct", "swapon", "swapoff", "reboot", "syslog", "quotactl", "quotactl_fd",
    "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "sethostname", "setdomainname",
    "lookup_dcookie", "fanotify_init", "vhangup", "iopl", "ioperm", "uselib",
)
# Denied with ENOSYS so the runtime falls back to an older interface.
UNAVAILABLE = ("io_uring_setup", "io_uring_enter", "io_uring_register", "clone3")

_X86_64 = {
    "clone": 56, "ptrace": 101, "syslog": 103, "uselib": 134, "vhangup": 153, "pivot_root": 155,
    "adjtimex": 159, "chroot": 161, "acct": 163, "settimeofday": 164, "mount": 165, "umount2": 166,
    "swapon": 167, "swapoff": 168, "reboot": 169, "sethostname": 170, "setdomainname": 171,
    "iopl": 172, "ioperm": 173, "init_module": 175, "delete_module": 176, "quotactl": 179,
    "lookup_dcookie": 212, "clock_settime": 227, "kexec_load": 246, "add_key": 248,
    "request_key": 249, "keyctl": 250, "unshare": 272, "perf_event_open": 298,
    "fanotify_init": 300, "name_to_handle_at": 303, "open_by_handle_at": 304, "clock_adjtime": 305,
    "setns": 308, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
    "finit_module": 313, "kexec_file_load": 320, "bpf": 321, "userfaultfd": 323,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428,
    "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "clone3": 435, "pidfd_getfd": 438, "process_madvise": 440, "mount_setattr": 442,
    "quotactl_fd": 443,
}
# asm-generic table (arm64); legacy x86-only calls simply do not exist there.
_AARCH64 = {
    "lookup_dcookie": 18, "umount2": 39, "mount": 40, "pivot_root": 41, "chroot": 51, "vhangup": 58,
    "quotactl": 60, "acct": 89, "unshare": 97, "kexec_load": 104, "init_module": 105,
    "delete_module": 106, "clock_settime": 112, "syslog": 116, "ptrace": 117, "reboot": 142,
    "sethostname": 161, "setdomainname": 162, "settimeofday": 170, "adjtimex": 171,
    "add_key": 217, "request_key": 218, "keyctl": 219, "clone": 220, "swapon": 224, "swapoff": 225,
    "perf_event_open": 241, "fanotify_init": 262, "name_to_handle_at": 264,
    "open_by_handle_at": 265, "clock_adjtime": 266, "setns": 268, "process_vm_readv": 270,
    "process_vm_writev": 271, "kcmp": 272, "finit_module": 273, "bpf": 280, "userfaultfd": 282,
    "kexec_file_load": 294, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
    "fspick": 433, "clone3": 435, "pidfd_getfd": 438, "process_madvise": 440,
    "mount_setattr": 442, "quotactl_fd": 443,
}

# machine name -> (AUDIT_ARCH_*, syscall table, x32 bit to reject)
ARCHITECTURES = {
    "x86_64": (0xC000003E, _X86_64, 0x40000000),
    "aarch64": (0xC00000B7, _AARCH64, None),
}


class UnsupportedArchitecture(RuntimeError):
    pass


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def build_filter(machine: str | None = None) -> bytes:
    """Return the raw ``struct sock_filter`` array for ``machine`` (default: this host)."""
    machine = machine or platform.machine()
    if machine not in ARCHITECTURES:
        raise UnsupportedArchitecture(f"no seccomp syscall table for architecture {machine!r}")
    audit_arch, table, x32_bit = ARCHITECTURES[machine]
    eperm = SECCOMP_RET_ERRNO | errno.EPERM
    enosys = SECCOMP_RET_ERRNO | errno.ENOSYS

    prog = [
        _insn(_LD_W_ABS, _ARCH),
        # A foreign ABI (e.g. i386 via int 0x80) would bypass the number checks.
        _insn(_JEQ_K, audit_arch, jt=1, jf=0),
        _insn(_RET_K, SECCOMP_RET_KILL_PROCESS),
        _insn(_LD_W_ABS, _NR),
    ]
    if x32_bit is not None:
        prog += [_insn(_JGE_K, x32_bit, jt=0, jf=1), _insn(_RET_K, SECCOMP_RET_KILL_PROCESS)]
    for names, action in ((DENIED, eperm), (UNAVAILABLE, enosys)):
        for name in names:
            if name in table:
                prog += [_insn(_JEQ_K, table[name], jt=0, jf=1), _insn(_RET_K, action)]
    # clone() is allowed for threads and processes but not for new namespaces.
    prog += [
        _insn(_JEQ_K, table["clone"], jt=0, jf=3),
        _insn(_LD_W_ABS, _ARG0_LOW),
        _insn(_JSET_K, CLONE_NAMESPACE_FLAGS, jt=0, jf=1),
        _insn(_RET_K, eperm),
        _insn(_RET_K, SECCOMP_RET_ALLOW),
    ]
    return b"".join(prog)


@functools.cache
def cached_filter() -> bytes:
    """The filter for this host, built once per process."""
    return build_filter()
