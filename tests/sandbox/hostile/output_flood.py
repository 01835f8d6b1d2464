# expect: OLE
# Writes to stdout without end.
import sys

line = "flood " * 1000 + "\n"
while True:
    sys.stdout.write(line)
