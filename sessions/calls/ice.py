"""The ICE servers a call's browsers use to find a path to each other (STUN) or to relay through (TURN).

WEBRTC_ICE_SERVERS lists fixed ones. With WEBRTC_TURN_URLS and WEBRTC_TURN_SECRET (the coturn service of
docker-compose.yml, profile `call`), each page also gets a TURN credential of its own that expires after
TURN_CREDENTIAL_SECONDS: coturn's shared-secret scheme (its --use-auth-secret), so no long-lived TURN
password is ever sent to a browser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from django.conf import settings

TURN_CREDENTIAL_SECONDS = 12 * 3600


def turn_credential(user_id: int, *, secret: str, now: float | None = None) -> tuple[str, str]:
    """(username, credential) for coturn's shared-secret scheme: the username carries its expiry time."""
    expires = int((now if now is not None else time.time()) + TURN_CREDENTIAL_SECONDS)
    username = f"{expires}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers_for(user) -> list[dict]:
    servers = list(settings.WEBRTC_ICE_SERVERS)
    if settings.WEBRTC_TURN_URLS and settings.WEBRTC_TURN_SECRET:
        username, credential = turn_credential(user.pk, secret=settings.WEBRTC_TURN_SECRET)
        servers.append({"urls": settings.WEBRTC_TURN_URLS, "username": username, "credential": credential})
    return servers
