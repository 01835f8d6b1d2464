# expect: OK
# Tries to become root, regain capabilities, create namespaces and mount things.
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
print("uid", os.getuid(), "euid", os.geteuid())
try:
    os.setuid(0)
    print("LEAK: setuid(0) worked")
except OSError as exc:
    print("setuid blocked", exc)
with open("/proc/self/status") as fh:
    caps = {k: v.strip() for k, v in (line.split(":", 1) for line in fh if line.startswith("Cap"))}
if any(v != "0000000000000000" for v in caps.values()):
    print("LEAK: capabilities", caps)
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET = 0x10000000, 0x00020000, 0x40000000
for flags in (CLONE_NEWUSER, CLONE_NEWUSER | CLONE_NEWNS, CLONE_NEWNET):
    if libc.unshare(flags) == 0:
        print("LEAK: unshare allowed", hex(flags))
if libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) == 0:
    print("LEAK: mount allowed")
CALLS = ((321, "bpf"), (425, "io_uring_setup"), (298, "perf_event_open"), (250, "keyctl"), (323, "userfaultfd"))
for nr, name in CALLS:
    if libc.syscall(nr, 0, 0, 0, 0, 0) >= 0:
        print("LEAK: syscall allowed", name)
    else:
        print(name, "->", os.strerror(ctypes.get_errno()))
