# expect: OK|RE
# Tries to kill its parent, pid 1 and everything it can signal (kill -1).
import os
import signal

for target in (os.getppid(), 1):
    try:
        os.kill(target, signal.SIGKILL)
        print("signalled", target)
    except OSError as exc:
        print("blocked", target, exc)
os.kill(-1, signal.SIGKILL)
