# expect: OK
# Invalid UTF-8 and NUL bytes on stdout must be handled (decoded with replacement).
import os

os.write(1, bytes(range(256)) * 4 + b"\xff\xfe\x00end")
