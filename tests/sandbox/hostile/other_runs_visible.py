# expect: OK
# Other runs' work dirs and the sandbox's own host dirs must be invisible.
import os

for root, dirs, files in os.walk("/"):
    if root.startswith(("/proc", "/usr", "/sys", "/dev", "/root", "/opt")):
        dirs[:] = []
        continue
    for name in dirs + files:
        if "interviewprep-sandbox" in name or name.startswith("run-"):
            print("LEAK: found", os.path.join(root, name))
print("walked")
