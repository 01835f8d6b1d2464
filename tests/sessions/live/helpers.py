"""Opening the application's websockets as a signed-in browser would (session cookie, same-site Origin)."""

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
