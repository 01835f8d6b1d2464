# expect: OK
# Name resolution needs the network and /etc/resolv.conf: neither exists in the box.
import socket

try:
    print("LEAK: resolved", socket.getaddrinfo("pypi.org", 443))
except OSError as exc:
    print("blocked", exc)
