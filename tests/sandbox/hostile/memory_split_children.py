# expect: MLE|RE
# Each child stays under the limit but together they exceed it: the cgroup counts all.
import os
import time

for _ in range(4):
    if os.fork() == 0:
        block = bytearray(30 * 1024 * 1024)
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(5)
        os._exit(0)
for _ in range(4):
    os.wait()
