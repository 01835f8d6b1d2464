# expect: OK
# ptrace and process_vm_readv are denied by the seccomp filter.
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH = 16
for pid in (1, os.getppid()):
    if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:
        print("LEAK: attached to", pid)
    else:
        print("ptrace blocked", pid, os.strerror(ctypes.get_errno()))
if libc.ptrace(0, 0, None, None) == 0:  # PTRACE_TRACEME
    print("LEAK: traceme allowed")
