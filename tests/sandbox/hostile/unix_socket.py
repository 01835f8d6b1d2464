# expect: OK
# Tries host unix sockets (path and abstract): none are visible from the box.
import socket

for path in ("/var/run/redis/redis-server.sock", "/run/postgresql/.s.PGSQL.5432", "/tmp/.X11-unix/X0",
             "\0/tmp/.X11-unix/X0", "\0hostile-abstract"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        print("LEAK: connected to", repr(path))
    except OSError as exc:
        print("blocked", repr(path), type(exc).__name__)
    finally:
        s.close()
