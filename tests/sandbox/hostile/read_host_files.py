# expect: OK
# Tries to read host secrets and the repository; none may be visible.
import os

for path in ("/etc/shadow", "/etc/passwd", "/etc/hostname", "@@REPO_FILE@@", "/root/.bashrc", "/proc/1/root/etc/shadow",
             "/sys/kernel/notes", "/var/lib/redis/dump.rdb"):
    try:
        with open(path, "rb") as fh:
            fh.read(100)
        print("LEAK: read", path)
    except OSError as exc:
        print("blocked", path, type(exc).__name__)
for d in ("/", "/root", "/work", "/home", "/var", "/etc"):
    try:
        print(d, sorted(os.listdir(d)))
    except OSError as exc:
        print(d, type(exc).__name__)
if os.path.exists("@@REPO_DIR@@"):
    print("LEAK: repository visible")
