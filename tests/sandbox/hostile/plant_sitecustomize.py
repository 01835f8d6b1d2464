# expect: OK
# Tries to plant start-up hooks where a Python interpreter might pick them up.
import os
import sys

targets = [os.path.join(p, name) for p in sys.path + ["/box", "/tmp"] for name in ("sitecustomize.py", "evil.pth")]
for path in targets:
    try:
        with open(path, "w") as fh:
            fh.write("import os; os.system('echo LEAK')\n")
        if not path.startswith(("/box/", "/tmp/")):
            print("LEAK: wrote", path)
    except OSError:
        pass
print("done")
