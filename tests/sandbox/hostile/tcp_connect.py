# expect: OK
# Tries the host's Redis and a listener the test opened on loopback; both must be unreachable.
import socket

for port in (6379, int("@@HOST_PORT@@")):
    for host in ("127.0.0.1", "10.0.2.2", "172.17.0.1"):
        s = socket.socket()
        s.settimeout(0.2)
        try:
            s.connect((host, port))
            s.sendall(b"PING\r\n")
            print("LEAK: connected to", host, port)
        except OSError as exc:
            print("blocked", host, port, type(exc).__name__)
        finally:
            s.close()
