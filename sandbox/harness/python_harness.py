"""Function-mode harness for Python. Runs INSIDE the box, never on the host.

stdin: "<nonce>\\n<entry point>\\n<JSON array of arguments>". The harness reads
it all before the candidate's module runs, loads the module (as "solution", so
``if __name__ == "__main__"`` blocks stay quiet), calls the entry point and
writes "<nonce> <JSON value>\\n" to fd 5, a pipe the host opened before the box
started. Whatever the program prints on stdout never counts as its answer, and
the expected value is never inside the box.
"""

import os
import sys
import traceback

RESULT_FD = 5


def _to_json(value):
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"return value of type {type(value).__name__} is not JSON-serializable")


def main():
    import json

    result_fd = os.dup(RESULT_FD)
    os.close(RESULT_FD)
    header = sys.stdin.buffer.read().decode("utf-8")
    nonce, entry, args_text = header.split("\n", 2)
    args = json.loads(args_text)
    if not isinstance(args, list):
        args = [args]
    sys.stdin = open(os.devnull)
    sys.path.append("/opt/pylib")
    path = sys.argv[1]
    sys.argv[:] = sys.argv[1:]
    with open(path, "rb") as fh:
        code = compile(fh.read(), path, "exec")
    namespace = {"__name__": "solution", "__file__": path, "__builtins__": __builtins__}
    try:
        exec(code, namespace)
        head, _, method = entry.partition(".")
        target = namespace[head]
        if method:
            target = getattr(target(), method)
        value = target(*args)
        payload = json.dumps(value, default=_to_json)
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.stdout.flush()
        os._exit(1)
    sys.stdout.flush()
    data = f"{nonce} {payload}\n".encode()
    while data:
        data = data[os.write(result_fd, data):]
    os.close(result_fd)


main()
