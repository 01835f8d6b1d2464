# expect: OK
# Sends UDP datagrams to the host listener and a public resolver; nothing may leave the box.
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for addr in (("127.0.0.1", int("@@HOST_UDP_PORT@@")), ("8.8.8.8", 53)):
    try:
        s.sendto(b"hello from the box", addr)
        print("sent (into an empty namespace)", addr)
    except OSError as exc:
        print("blocked", addr, exc)
