"""Production's web worker: gunicorn manages the processes, uvicorn serves the ASGI application in each
(HTTP and the live rounds' websockets, interviewprep/asgi.py).

gunicorn's own header limits (--limit-request-*) do not reach uvicorn's parser, so the limits are set
here: h11, whose one knob caps the request line and headers together, at 16 KiB; websocket messages
at 64 KiB (the largest a page sends is a pasted edit to the shared pad); a ping every 20 s closes
sockets whose browser went away without saying so.
"""

import sys

import uvicorn
from uvicorn_worker import UvicornWorker

MAX_REQUEST_HEAD_BYTES = 16 * 1024
MAX_WEBSOCKET_MESSAGE_BYTES = 64 * 1024


class Worker(UvicornWorker):
    CONFIG_KWARGS = {
        "loop": "auto",
        "http": "h11",
        "h11_max_incomplete_event_size": MAX_REQUEST_HEAD_BYTES,
        "ws": "websockets-sansio",
        "ws_max_size": MAX_WEBSOCKET_MESSAGE_BYTES,
        "ws_ping_interval": 20.0,
        "ws_ping_timeout": 20.0,
    }


def serve(host: str, port: int) -> None:
    """`make run`'s web server: the production worker's uvicorn, settings and limits, in one process
    (one process, because the embedded channel layer's groups live in it)."""
    uvicorn.run("interviewprep.asgi:application", host=host, port=port, lifespan="off", **Worker.CONFIG_KWARGS)


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
