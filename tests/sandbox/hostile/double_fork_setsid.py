# expect: OK
# Python daemon that closes its stdio so the host sees EOF, then lingers.
import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for fd in (0, 1, 2):
            os.close(fd)
        time.sleep(600)
        os._exit(0)
    os._exit(0)
print("parent exits")
