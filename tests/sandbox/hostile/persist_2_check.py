# expect: OK
# Runs after persist_1_write.py: none of its files may exist in a fresh box.
import os

for path in ("/tmp/hostile-persist", "/dev/shm/hostile-persist", "/box/hostile-persist",
             "/box/sitecustomize.py", "/tmp/usercustomize.py"):
    if os.path.exists(path):
        print("LEAK: persisted", path)
print("checked")
