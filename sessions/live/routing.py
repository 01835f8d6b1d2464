"""Websocket URLs (the ASGI counterpart of urls.py), mounted by interviewprep/asgi.py."""

from django.urls import path

from sessions.calls.signaling import CallConsumer
from sessions.live.consumers import RoundConsumer
from sessions.live.pad_consumer import PadConsumer

websocket_urlpatterns = [
    path("ws/rounds/<int:round_id>/", RoundConsumer.as_asgi()),
    path("ws/pad/<int:round_id>/<int:number>/<str:field>/", PadConsumer.as_asgi()),
    path("ws/call/<int:round_id>/", CallConsumer.as_asgi()),
]
