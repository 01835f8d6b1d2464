"""Write deploy/worker-seccomp.json, the worker container's seccomp profile (docker-compose.yml names it).

The profile works like Docker's default one: an allow-list, so every call not named fails with EPERM (and a
system call added to a later kernel stays denied until someone allows it). It allows every call libseccomp
knows on x86_64 and aarch64 except BLOCKED: the calls Docker's default profile also keeps from containers
(kernel modules, keyrings, tracing other processes, BPF, clocks, swap, reboot...). It differs from Docker's
default in what bubblewrap needs to build a box, listed in FOR_BUBBLEWRAP.

The untrusted programs never see this profile alone: inside the box the sandbox installs its own, stricter
filter (sandbox/seccomp.py) that denies mount, unshare, pivot_root and the rest again.

Regenerate after changing the lists (needs libseccomp2, which the worker image has):
    python tools/worker_seccomp.py > deploy/worker-seccomp.json
tests/deploy/test_worker_seccomp.py checks that the file is what this script writes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import sys

ARCHES = {"x86_64": ("SCMP_ARCH_X86_64", ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]),
          "aarch64": ("SCMP_ARCH_AARCH64", ["SCMP_ARCH_ARM"])}

# Denied with EPERM, as by Docker's default profile.
BLOCKED = frozenset({
    # kernel modules and replacing the kernel
    "create_module", "init_module", "finit_module", "delete_module", "query_module", "get_kernel_syms",
    "kexec_load", "kexec_file_load",
    # the machine's clocks, swap, accounting, quotas, power
    "settimeofday", "stime", "clock_settime", "clock_adjtime", "adjtimex", "swapon", "swapoff", "acct",
    "quotactl", "quotactl_fd", "reboot",
    # kernel keyrings (not namespaced)
    "add_key", "request_key", "keyctl",
    # other processes' memory, tracing, BPF, profiling
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "bpf", "perf_event_open", "userfaultfd",
    "lookup_dcookie",
    # file handles bypass the mount namespace
    "name_to_handle_at", "open_by_handle_at",
    # joining other processes' namespaces; the new mount API (bubblewrap uses mount(2))
    "setns", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    # NUMA policy and page migration (CAP_SYS_NICE), old or obsolete interfaces
    "get_mempolicy", "set_mempolicy", "mbind", "move_pages", "migrate_pages", "nfsservctl", "sysfs", "_sysctl",
    "uselib", "ustat", "vm86", "vm86old", "iopl", "ioperm", "syslog", "vhangup",
    # the kernel's asynchronous I/O rings: a large attack surface; runtimes fall back when absent (ENOSYS below)
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    # allowed below for a few arguments only
    "personality", "clone3",
})
# Docker's default denies these to containers without CAP_SYS_ADMIN; bubblewrap needs them to build a box:
# a new mount namespace with its own mounts (mount, umount2, pivot_root) and new namespaces (unshare; clone
# with namespace flags, which this profile does not filter by flags).
FOR_BUBBLEWRAP = ("mount", "umount2", "pivot_root", "unshare")
# personality(2) only to ask for the current persona or the plain Linux ones (as Docker's default allows).
PERSONALITY_ARGS = (0x0, 0x8, 0x20000, 0x20008, 0xFFFFFFFF)


def known_syscalls() -> set[str]:
    """Names of every system call libseccomp knows on the architectures of ARCHES."""
    lib = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2")
    lib.seccomp_arch_resolve_name.restype = ctypes.c_uint32
    lib.seccomp_syscall_resolve_num_arch.restype = ctypes.c_void_p
    libc = ctypes.CDLL(None)
    names: set[str] = set()
    for arch in ARCHES:
        token = lib.seccomp_arch_resolve_name(arch.encode())
        for number in range(1024):
            pointer = lib.seccomp_syscall_resolve_num_arch(token, number)
            if pointer:
                names.add(ctypes.string_at(pointer).decode())
                libc.free(ctypes.c_void_p(pointer))
    return names


def profile(known: set[str]) -> dict:
    allowed = sorted((known - BLOCKED) | set(FOR_BUBBLEWRAP))
    rules = [{"names": allowed, "action": "SCMP_ACT_ALLOW"}]
    rules += [{"names": ["personality"], "action": "SCMP_ACT_ALLOW",
               "args": [{"index": 0, "value": value, "op": "SCMP_CMP_EQ"}]} for value in PERSONALITY_ARGS]
    # glibc tries clone3 first and falls back to clone on ENOSYS.
    rules.append({"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": errno.ENOSYS})
    rules.append({"names": ["io_uring_setup", "io_uring_enter", "io_uring_register"], "action": "SCMP_ACT_ERRNO",
                  "errnoRet": errno.ENOSYS})
    return {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": errno.EPERM,
        "archMap": [{"architecture": main, "subArchitectures": subs} for main, subs in ARCHES.values()],
        "syscalls": rules,
    }


def main() -> int:
    json.dump(profile(known_syscalls()), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
