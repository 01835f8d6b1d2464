# expect: OK
# Looks for file descriptors leaked from the host beyond stdin/stdout/stderr.
import os

leaked = []
for fd in range(3, 4096):
    try:
        os.fstat(fd)
        leaked.append((fd, os.readlink(f"/proc/self/fd/{fd}")))
    except OSError:
        pass
if leaked:
    print("LEAK: inherited fds", leaked)
print("fds checked")
