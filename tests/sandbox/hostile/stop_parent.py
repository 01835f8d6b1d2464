# expect: OK|RE|TLE
# Tries to freeze its parent and pid 1 with SIGSTOP; the host must still finish the run.
import os
import signal

for target in (os.getppid(), 1, -1):
    try:
        os.kill(target, signal.SIGSTOP)
        print("stopped", target)
    except OSError as exc:
        print("blocked", target, exc)
