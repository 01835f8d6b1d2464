# expect: OK|RE|MLE|TLE
# Creates as many small files as it can.
count = 0
try:
    while count < 200000:
        with open(f"/tmp/f{count}", "w") as fh:
            fh.write("x")
        count += 1
except OSError as exc:
    print("stopped at", count, exc)
