# expect: TLE|RE|MLE
# Classic fork bomb: every process keeps forking; the pids cgroup caps it.
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
