# expect: OLE|RE|MLE
# Writes a 1 GB file: RLIMIT_FSIZE and the tmpfs size stop it.
with open("/tmp/huge.bin", "wb") as fh:
    for _ in range(1024):
        fh.write(b"\0" * (1 << 20))
print("wrote 1 GB")
