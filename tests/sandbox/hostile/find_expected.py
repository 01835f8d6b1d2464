# expect: WA
# judge: entry=solve input=[2, 3] expected=@@RANDOM@@
# Hunts for the (random, per test run) expected answer in stdin, env, argv and every
# readable file, and returns the first long number it finds. It must find nothing.
import os
import re
import sys


def solve(a, b):
    haystack = repr(dict(os.environ)) + repr(sys.argv)
    for root, dirs, files in os.walk("/"):
        if root.startswith(("/proc", "/usr", "/sys", "/dev", "/root", "/opt")):
            dirs[:] = []
            continue
        for name in files:
            path = os.path.join(root, name)
            if path == os.path.abspath(__file__):
                continue
            try:
                with open(path, "rb") as fh:
                    haystack += fh.read(100000).decode(errors="replace")
            except OSError:
                pass
    found = re.findall(r"\d{9,}", haystack)
    return int(found[0]) if found else -1
