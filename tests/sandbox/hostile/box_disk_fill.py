# expect: OLE
# Fills the writable /box with 4 MB files (each under RLIMIT_FSIZE), hoping to fill the host's disk.
# The /box tmpfs quota stops it with ENOSPC; the traceback makes the verdict OLE.
count = 0
while count < 1024:
    with open(f"/box/hostile-fill-{count}", "wb") as fh:
        fh.write(b"x" * (4 << 20))
    count += 1
print("LEAK: wrote", count * 4, "MB into /box")
