# expect: OK|MLE|RE
# Fill /dev/shm (a tmpfs: costs RAM). Must be bounded and must not reach the host's /dev/shm.

written = 0
try:
    with open("/dev/shm/hostile-shm-fill", "wb") as fh:
        while written < 1 << 30:
            fh.write(b"x" * (1 << 20))
            written += 1 << 20
except OSError as exc:
    print("stopped after", written >> 20, "MB:", exc)
