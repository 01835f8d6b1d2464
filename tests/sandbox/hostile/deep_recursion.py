# expect: RE|MLE
# Unbounded recursion with the recursion limit lifted: ends in a crash, not a hang.
import sys

sys.setrecursionlimit(10 ** 8)

def f(n):
    return f(n + 1) + 1

f(0)
