# expect: OK
# Opens files until the descriptor limit: must fail cleanly, inside the box only.
files = []
try:
    while True:
        files.append(open("/dev/null"))
except OSError as exc:
    print("stopped at", len(files), type(exc).__name__)
