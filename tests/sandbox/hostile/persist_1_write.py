# expect: OK
# Leaves files everywhere it can; persist_2_check.py (a later run) must not see them.
for path in ("/tmp/hostile-persist", "/dev/shm/hostile-persist", "/box/hostile-persist",
             "/box/sitecustomize.py", "/tmp/usercustomize.py"):
    try:
        with open(path, "w") as fh:
            fh.write("print('LEAK: planted file ran')\n")
    except OSError as exc:
        print("cannot write", path, exc)
