# expect: TLE|OLE
# Floods stderr: the host keeps only a capped prefix and the run still ends.
import sys

line = "err " * 1000 + "\n"
while True:
    sys.stderr.write(line)
