"""Websocket URLs (the ASGI counterpart of urls.py), mounted by interviewprep/asgi.py."""

from django.urls import path

from sessions.live.consumers import RoundConsumer

websocket_urlpatterns = [
    path("ws/rounds/<int:round_id>/", RoundConsumer.as_asgi()),
]
