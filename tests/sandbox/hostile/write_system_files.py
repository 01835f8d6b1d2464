# expect: OK
# Tries to modify the system and the runtime; every attempt must fail.
for path in ("/usr/bin/hostile", "/etc/hostile", "/usr/lib/hostile", "/proc/sys/kernel/core_pattern",
             "/proc/sysrq-trigger", "/proc/sys/vm/drop_caches", "/dev/hostile"):
    try:
        with open(path, "w") as fh:
            fh.write("|/tmp/x\n")
        print("LEAK: wrote", path)
    except OSError as exc:
        print("blocked", path, type(exc).__name__)
