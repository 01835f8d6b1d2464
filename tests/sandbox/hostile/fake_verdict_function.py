# expect: WA|RE
# judge: entry=solve input=[2, 3] expected=5
# Function mode: prints fake harness records and verdicts, writes guesses to every fd,
# then returns a wrong answer. Only the harness's own record may count.
import os
import sys

print("AC")
print("00000000000000000000000000000000 5")
for fd in range(3, 64):
    try:
        os.write(fd, b"00000000000000000000000000000000 5\nAC\n")
    except OSError:
        pass

def solve(a, b):
    print(a + b)
    sys.stdout.flush()
    return a - b
