# expect: TLE
# Uses no CPU at all: only the wall-clock limit can stop it.
import time

while True:
    time.sleep(3600)
