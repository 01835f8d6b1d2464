"""ASGI entry point: the Django views over HTTP, and the live rounds' websockets (sessions/live/).

Websockets authenticate with the session cookie (AuthMiddlewareStack) and are refused unless the
Origin header names one of ALLOWED_HOSTS, so another site's page cannot open one with the visitor's
cookie.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
django_application = get_asgi_application()  # sets Django up before the consumers' imports below

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from interviewprep.request_limits import BodyLimitASGI  # noqa: E402
from sessions.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({
    "http": BodyLimitASGI(django_application),  # refuses an oversized body from its headers, unread
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
