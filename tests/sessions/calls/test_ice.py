"""ICE servers for the call (sessions/calls/ice.py): the fixed list, and TURN credentials in coturn's
shared-secret scheme that expire."""

import base64
import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.urls import reverse

from sessions.calls.ice import TURN_CREDENTIAL_SECONDS, ice_servers_for, turn_credential


def test_a_turn_credential_names_its_expiry_and_is_signed_with_the_secret():
    username, credential = turn_credential(42, secret="s3cret", now=1_000_000)
    assert username == f"{1_000_000 + TURN_CREDENTIAL_SECONDS}:42"
    # What coturn computes from the username with the same secret (its --use-auth-secret mode).
    expected = base64.b64encode(hmac.new(b"s3cret", username.encode(), hashlib.sha1).digest()).decode()
    assert credential == expected
    assert turn_credential(42, secret="other", now=1_000_000)[1] != credential


@pytest.mark.django_db
def test_pages_get_the_fixed_servers_and_a_turn_credential_of_their_own(settings, owner, partner, live_round):
    settings.WEBRTC_ICE_SERVERS = [{"urls": "stun:stun.example.org:3478"}]
    assert ice_servers_for(owner) == [{"urls": "stun:stun.example.org:3478"}]
    settings.WEBRTC_TURN_URLS, settings.WEBRTC_TURN_SECRET = ["turn:turn.example.org:3478"], "s3cret"
    stun, turn = ice_servers_for(owner)
    assert turn["urls"] == ["turn:turn.example.org:3478"] and turn["username"].endswith(f":{owner.pk}")
    client = Client()
    client.force_login(partner)
    page = client.get(reverse("round_page", args=[live_round.pk])).text
    listed = json.loads(page.split('id="call-ice-servers" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert listed[0] == stun and listed[1]["username"].endswith(f":{partner.pk}")
    assert "s3cret" not in page
