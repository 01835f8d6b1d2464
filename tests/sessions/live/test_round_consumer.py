"""The round's websocket (sessions/live/consumers.py), through the whole ASGI application: the session
cookie, the Origin check, the role check on connect, on every message and before every event, the caps.

Each test is one conversation in one event loop (a communicator lives in the loop that connected it);
database work inside it goes through `sync_to_async`, which runs it in the test's own thread and
transaction.
"""

import json
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from questions.models import Question
from sessions.live import consumers
from sessions.live.consumers import BURST, CLOSE_FORBIDDEN, CLOSE_TOO_BIG, CLOSE_TOO_MANY
from sessions.models import Round
from sessions.rounds import services as round_services
from tests.sessions.live.helpers import ORIGIN, close_code, refused_with, websocket


def _socket(stage_round, user=None, origin=ORIGIN):
    return websocket(f"/ws/rounds/{stage_round.pk}/", user, origin)


async def _receive(socket, timeout=5) -> dict:
    return json.loads(await socket.receive_from(timeout))


async def _drain(socket, quiet=0.5) -> list[dict]:
    """Every message until the socket has been quiet for `quiet` seconds."""
    heard = []
    while not await socket.receive_nothing(quiet):
        heard.append(await _receive(socket))
    return heard



def _version(stage_round) -> int:
    stage_round.refresh_from_db()
    return stage_round.version



@pytest.mark.django_db(transaction=True)  # the consumer closes the connection it finds (channels.db)
@pytest.mark.parametrize("who", ["owner", "partner"])
def test_both_people_of_the_round_connect_and_hear_its_version(live_round, request, who):
    socket = _socket(live_round, request.getfixturevalue(who))

    async def talk():
        assert (await socket.connect())[0]
        hello = await _receive(socket)
        await socket.disconnect()
        return hello

    assert async_to_sync(talk)() == {"kind": "hello", "version": _version(live_round)}


@pytest.mark.django_db(transaction=True)  # the consumer closes the connection it finds (channels.db)
def test_a_solo_round_has_a_socket_for_its_owner_only(mini_pack, owner, outsider):
    session = round_services.session_start(owner=owner, question=Question.objects.get(slug="sum-two"))
    solo = session.rounds.get()
    mine = _socket(solo, owner)

    async def talk():
        assert (await mine.connect())[0]
        hello = await _receive(mine)
        await mine.disconnect()
        return hello

    assert async_to_sync(talk)()["kind"] == "hello"
    assert refused_with(_socket(solo, outsider)) == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)  # the consumer closes the connection it finds (channels.db)
def test_an_outsider_an_anonymous_visitor_and_a_missing_round_are_refused(live_round, outsider):
    assert refused_with(_socket(live_round, outsider)) == CLOSE_FORBIDDEN
    assert refused_with(_socket(live_round)) == CLOSE_FORBIDDEN
    assert refused_with(_socket(Round(pk=live_round.pk + 1000), outsider)) == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)  # the consumer closes the connection it finds (channels.db)
@pytest.mark.parametrize("origin", [b"https://evil.example", b"null"])
def test_another_sites_page_cannot_open_the_socket_with_the_visitors_cookie(live_round, partner, origin):
    socket = _socket(live_round, partner, origin=(b"origin", origin))

    async def talk():
        connected, _ = await socket.connect()
        await socket.disconnect()  # Channels' denier is a consumer too: it must end in this event loop
        return connected

    assert not async_to_sync(talk)()  # refused at the handshake, before the consumer runs


@pytest.mark.django_db(transaction=True)
def test_a_change_reaches_both_sockets_as_a_version_and_nothing_else(live_round, owner, partner):
    """The interviewer puts a question on screen and reveals a hint: the candidate's socket hears versions,
    never the hint's text (the page fetches what it may see over HTTP)."""
    sockets = [_socket(live_round, owner), _socket(live_round, partner)]
    on_screen = {rq.question.slug: rq for rq in live_round.questions.select_related("question", "round__session")}
    hint_text = on_screen["sum-two"].question.hints.first().text

    def interviewer_acts():
        round_services.question_switch(round_question=on_screen["bayes"])
        round_services.question_switch(round_question=on_screen["sum-two"])
        round_services.hint_reveal_next(round_question=on_screen["sum-two"])

    async def talk():
        for socket in sockets:
            assert (await socket.connect())[0]
            await _receive(socket)  # hello
        await sync_to_async(interviewer_acts)()
        heard = [await _drain(socket) for socket in sockets]
        for socket in sockets:
            await socket.disconnect()
        return heard

    heard = async_to_sync(talk)()
    version = _version(live_round)
    for messages in heard:
        assert len(messages) >= 2 and {m["kind"] for m in messages} == {"changed"}
        assert messages[-1]["version"] == version
        assert all(set(m) == {"kind", "version"} for m in messages)
        assert hint_text not in json.dumps(messages)


@pytest.mark.django_db(transaction=True)
def test_an_idle_socket_outlives_the_layers_blocking_read_and_still_hears_a_change(live_round, partner, settings):
    """The Redis layer waits for events with a 5 s blocking read; a socket timeout at or under it (redis-py 8's
    default) tore every idle websocket down after about 5 s."""
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "interviewprep.live_layer.RedisLayer"
    socket = _socket(live_round, partner)

    async def talk():
        assert (await socket.connect())[0]
        await _receive(socket)
        assert await socket.receive_nothing(7)  # idle past the read: no crash, no close
        await sync_to_async(lambda: Round.objects.filter(pk=live_round.pk).touch())()
        heard = await _receive(socket)
        await socket.disconnect()
        return heard

    assert async_to_sync(talk)() == {"kind": "changed", "version": _version(live_round)}


@pytest.mark.django_db(transaction=True)
def test_a_person_who_left_the_round_is_cut_off_at_the_next_event(live_round, partner):
    socket = _socket(live_round, partner)

    def take_the_round_back():
        Round.objects.filter(pk=live_round.pk).update(candidate=None)
        Round.objects.filter(pk=live_round.pk).touch()

    async def talk():
        assert (await socket.connect())[0]
        await _receive(socket)
        await sync_to_async(take_the_round_back)()
        code = await close_code(socket)
        await socket.disconnect()
        return code

    assert async_to_sync(talk)() == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)  # the consumer closes the connection it finds (channels.db)
def test_a_resync_request_is_answered_with_the_version(live_round, partner):
    socket = _socket(live_round, partner)

    async def talk():
        assert (await socket.connect())[0]
        await _receive(socket)
        await socket.send_json_to({"kind": "resync"})
        answer = await _receive(socket)
        await socket.disconnect()
        return answer

    assert async_to_sync(talk)() == {"kind": "changed", "version": _version(live_round)}


@pytest.mark.django_db(transaction=True)  # the consumer closes the connection it finds (channels.db)
@pytest.mark.parametrize("message", [{"text_data": json.dumps({"kind": "resync", "pad": "x" * 2000})},
                                     {"bytes_data": b"\x00" * 10}], ids=["oversized", "binary"])
def test_an_oversized_or_binary_message_closes_the_socket(live_round, partner, message):
    socket = _socket(live_round, partner)

    async def talk():
        assert (await socket.connect())[0]
        await _receive(socket)
        await socket.send_to(**message)
        code = await close_code(socket)
        await socket.disconnect()
        return code

    assert async_to_sync(talk)() == CLOSE_TOO_BIG


@pytest.mark.django_db(transaction=True)  # the consumer closes the connection it finds (channels.db)
def test_a_flood_of_messages_closes_the_socket(live_round, partner, monkeypatch):
    monkeypatch.setattr(consumers, "MESSAGES_PER_SECOND", 0)  # no refill: the cut-off does not race the clock
    socket = _socket(live_round, partner)

    async def talk():
        assert (await socket.connect())[0]
        await _receive(socket)
        for _ in range(BURST + 5):
            await socket.send_json_to({"kind": "resync"})
        while True:  # the first BURST are answered, then the socket is closed
            output = await socket.receive_output(5)
            if output["type"] == "websocket.close":
                await socket.disconnect()
                return output["code"]

    assert async_to_sync(talk)() == CLOSE_TOO_MANY


def test_the_message_budget_allows_a_burst_then_refills_at_its_rate():
    budget = consumers.MessageBudget(rate=1000, burst=3)
    assert [budget.take() for _ in range(4)] == [True, True, True, False]
    time.sleep(0.01)  # at least 10 tokens' worth of time, capped at the burst
    assert [budget.take() for _ in range(4)] == [True, True, True, False]
    assert not consumers.MessageBudget(rate=0, burst=0).take()
