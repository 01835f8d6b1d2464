# expect: OK
# Plants symlinks in the work dir pointing at host secrets, hoping the host follows them.
import os

for name, target in (("main", "/etc/shadow"), ("actual.txt", "/etc/shadow"), ("Main.class", "/root/.bashrc"),
                     ("result", "@@REPO_FILE@@"), ("escape", "/")):
    try:
        os.symlink(target, f"/box/{name}")
    except OSError as exc:
        print("symlink failed", name, exc)
print("planted")
