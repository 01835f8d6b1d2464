"""Opening the application's websockets as a signed-in browser would (session cookie, same-site Origin)."""

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client

from interviewprep.asgi import application

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def cookie_for(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()


def websocket(path: str, user=None, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin] + ([cookie_for(user)] if user is not None else [])
    return WebsocketCommunicator(application, path, headers=headers)


async def close_code(socket, timeout=5) -> int:
    """The code the socket was closed with (it must be the next thing it does). A test then hangs up the
    browser's side too (`socket.disconnect()`) before its event loop ends, so the consumer ends in that loop:
    one left running is cancelled only as the loop closes, where channels-redis's receive can keep the loop
    from ever closing."""
    output = await socket.receive_output(timeout)
    assert output["type"] == "websocket.close", output
    return output["code"]


def refused_with(socket) -> int:
    """The close code of a socket its consumer refuses (accepted, then closed at once, with nothing said)."""

    async def talk():
        connected, _ = await socket.connect()
        assert connected
        code = await close_code(socket)
        await socket.disconnect()
        return code

    return async_to_sync(talk)()
