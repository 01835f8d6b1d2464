# expect: RE|WA
# judge: entry=solve input=[2, 3] expected=5
# Prints the right answer and exits before the harness can report: no result, no AC.
import os


def solve(a, b):
    print(a + b)
    os._exit(0)
