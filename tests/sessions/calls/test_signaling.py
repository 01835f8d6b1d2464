"""The call's signaling socket (sessions/calls/signaling.py) through the whole ASGI application: who may join,
what is relayed to whom, and what is refused. One conversation per test, in one event loop."""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from questions.models import Question
from sessions.calls import signaling
from sessions.calls.signaling import BURST, CLOSE_MALFORMED, CLOSE_REPLACED, MAX_MESSAGE_BYTES, clean_signal
from sessions.live.consumers import CLOSE_FORBIDDEN, CLOSE_TOO_BIG, CLOSE_TOO_MANY
from sessions.rounds import services as round_services
from tests.sessions.live.helpers import close_code, refused_with, websocket

OFFER = {"kind": "description", "description": {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"},
         "id": "i1", "to": None}
CANDIDATE = {"kind": "candidate", "candidate": {"candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
                                                "sdpMid": "0", "sdpMLineIndex": 0, "usernameFragment": "abcd"},
             "id": "c1", "to": "i1"}
MEDIA = {"kind": "media", "muted": True, "camera": False, "id": "i1", "to": None}


def _socket(stage_round, user=None):
    return websocket(f"/ws/call/{stage_round.pk}/", user)




@pytest.mark.django_db(transaction=True)
def test_an_outsider_or_a_stranger_cannot_join_the_call(live_round, outsider):
    assert refused_with(_socket(live_round, outsider)) == CLOSE_FORBIDDEN
    assert refused_with(_socket(live_round)) == CLOSE_FORBIDDEN  # not signed in


@pytest.mark.django_db(transaction=True)
def test_a_solo_round_and_a_finished_round_have_no_call(live_round, owner, mini_pack):
    solo = round_services.session_start(owner=owner, question=Question.objects.get(slug="bayes")).rounds.get()
    assert refused_with(_socket(solo, owner)) == CLOSE_FORBIDDEN
    round_services.round_end(round=live_round)
    assert refused_with(_socket(live_round, owner)) == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)
def test_offers_and_candidates_reach_the_other_person_only(live_round, owner, partner):
    interviewer, candidate = _socket(live_round, owner), _socket(live_round, partner)

    async def talk():
        assert (await interviewer.connect())[0] and (await candidate.connect())[0]
        await interviewer.send_to(text_data=json.dumps({**OFFER, "extra": "<script>", "from": "candidate"}))
        heard = json.loads(await candidate.receive_from(5))
        assert heard == {**OFFER, "from": "interviewer"}  # rebuilt: no extra field, the sender's real role
        await candidate.send_to(text_data=json.dumps(CANDIDATE))
        assert json.loads(await interviewer.receive_from(5)) == {**CANDIDATE, "from": "candidate"}
        await candidate.send_to(text_data=json.dumps({"kind": "candidate", "candidate": None, "id": "c1", "to": "i1"}))
        assert json.loads(await interviewer.receive_from(5)) == {"kind": "candidate", "candidate": None,
                                                                 "id": "c1", "to": "i1", "from": "candidate"}
        assert await interviewer.receive_nothing(0.3) and await candidate.receive_nothing(0.3)  # no echo
        await candidate.disconnect()  # without a bye of its own: the server says it, naming its last connection
        assert json.loads(await interviewer.receive_from(5)) == {"kind": "bye", "id": "c1", "to": None,
                                                                 "from": "candidate"}
        await interviewer.disconnect()

    async_to_sync(talk)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("message", [
    "not json",
    json.dumps(["offer"]),
    json.dumps({"kind": "chat", "text": "hello"}),
    json.dumps({"kind": "description", "description": {"type": "pranswer", "sdp": ""}}),
    json.dumps({"kind": "description", "description": {"type": "offer", "sdp": 42}}),
    json.dumps({"kind": "candidate", "candidate": {"candidate": "x", "sdpMLineIndex": "0"}}),
    json.dumps({"kind": "media", "muted": "yes", "camera": False, "id": "i1"}),
    json.dumps({**MEDIA, "id": None}),
    json.dumps({**MEDIA, "id": "<script>"}),
    json.dumps({**MEDIA, "to": "x" * 25}),
], ids=["text", "list", "unknown-kind", "bad-type", "bad-sdp", "bad-index", "bad-media", "no-id", "bad-id", "bad-to"])
def test_malformed_messages_close_the_socket(live_round, owner, partner, message):
    interviewer, candidate = _socket(live_round, owner), _socket(live_round, partner)

    async def talk():
        await interviewer.connect()
        await candidate.connect()
        await interviewer.send_to(text_data=message)
        assert await close_code(interviewer) == CLOSE_MALFORMED
        assert await candidate.receive_nothing(0.3)  # nothing reached the other side
        await candidate.disconnect()
        await interviewer.disconnect()

    async_to_sync(talk)()


@pytest.mark.django_db(transaction=True)
def test_an_oversized_message_and_a_flood_are_cut_off(live_round, owner, monkeypatch):
    # No refill while the flood goes in: on a slow machine 220 messages take long enough to earn 20 more.
    monkeypatch.setattr(signaling, "MESSAGES_PER_SECOND", 0)
    big, flood = _socket(live_round, owner), _socket(live_round, owner)

    async def talk():
        await big.connect()
        await big.send_to(text_data="x" * (MAX_MESSAGE_BYTES + 1))
        assert await close_code(big) == CLOSE_TOO_BIG
        await flood.connect()
        for _ in range(BURST + 20):
            await flood.send_to(text_data=json.dumps(MEDIA))
        assert await close_code(flood) == CLOSE_TOO_MANY
        await big.disconnect()
        await flood.disconnect()

    async_to_sync(talk)()


@pytest.mark.django_db(transaction=True)
def test_joining_from_a_second_tab_closes_the_first(live_round, owner, partner):
    first, candidate, second = _socket(live_round, owner), _socket(live_round, partner), _socket(live_round, owner)

    async def talk():
        await first.connect()
        await candidate.connect()
        await second.connect()
        assert await close_code(first) == CLOSE_REPLACED
        await candidate.send_to(text_data=json.dumps(OFFER))
        assert json.loads(await second.receive_from(5))["kind"] == "description"
        await second.disconnect()
        await candidate.disconnect()
        await first.disconnect()

    async_to_sync(talk)()


@pytest.mark.django_db(transaction=True)
def test_a_person_who_leaves_the_round_stops_hearing_the_call(live_round, owner, partner, monkeypatch):
    monkeypatch.setattr(signaling, "ACCESS_TTL", 0)  # check on every message, not once a second
    interviewer, candidate = _socket(live_round, owner), _socket(live_round, partner)
    end_round = sync_to_async(lambda: round_services.round_end(round=live_round))

    async def talk():
        await interviewer.connect()
        await candidate.connect()
        await end_round()
        await interviewer.send_to(text_data=json.dumps(OFFER))
        assert await close_code(interviewer) == CLOSE_FORBIDDEN
        assert await candidate.receive_nothing(0.3)
        await candidate.disconnect()
        await interviewer.disconnect()

    async_to_sync(talk)()


def test_clean_signal_keeps_only_the_fields_of_each_kind():
    ids = {"id": "a1", "to": None}
    assert clean_signal({"kind": "hello", "anything": 1, **ids}) == {"kind": "hello", **ids}
    assert clean_signal({"kind": "media", "muted": False, "camera": True, "x": 1, **ids}) == {
        "kind": "media", "muted": False, "camera": True, **ids}
    assert clean_signal({"kind": "candidate", "candidate": {"candidate": "c" * 2000}, **ids}) is None
    assert clean_signal({"kind": "candidate", "candidate": {"candidate": "c", "sdpMLineIndex": True}, **ids}) is None
    assert clean_signal({"kind": "description", "description": {"type": "answer", "sdp": "s" * 50_000}, **ids}) is None
    assert clean_signal({"kind": "hello"}) is None  # every message names its connection
