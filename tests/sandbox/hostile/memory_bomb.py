# expect: MLE
# Allocate and touch memory without bound.
chunks = []
while True:
    chunks.append(bytearray(8 * 1024 * 1024))
