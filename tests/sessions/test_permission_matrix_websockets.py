"""The permission matrix for the live rounds' websockets (sessions/live/): the round's socket and each
shared pad, as every actor, in the matrix's three situations (tests/sessions/test_permission_matrix.py
builds them and plants the interviewer-only text as MARK-... markers).

Who may open what is the HTTP pages' rule: the round's two people (and so the owner, who always holds one
of the roles), never an outsider or an anonymous visitor. Whatever the sockets carry (versions, the pad's
text, cursors), no frame to anyone holds a marker, while the interviewer reveals, notes and scores.
"""

import pycrdt
import pytest
from asgiref.sync import async_to_sync, sync_to_async

from sessions.feedback import notes as note_services
from sessions.live.consumers import CLOSE_FORBIDDEN
from sessions.models import Round, RoundQuestion
from sessions.rounds import services as round_services
from tests.sessions.live.helpers import websocket
from tests.sessions.test_permission_matrix import ACTORS, MARKERS, build_world

pytestmark = pytest.mark.django_db(transaction=True)  # the consumers close the connection they find (channels.db)

# situation -> actor -> may open the round's socket and its pads
MAY_OPEN = {"anonymous": False, "outsider": False, "candidate": True, "interviewer": True, "owner": True}


def _pad_paths(world) -> list[str]:
    on_screen = RoundQuestion.objects.select_related("question").get(pk=Round.objects.get(pk=world.round.pk).current_id)
    number = on_screen.order + 1
    fields = [f for f in on_screen.answer_fields if f != "language"]
    return [f"/ws/pad/{world.round.pk}/{number}/{field}/" for field in fields]


async def _open(path, socket) -> tuple[bool, list[bytes | str]]:
    """Open the socket, do what the page does (the pad's sync), and return (accepted, frames)."""
    connected, _ = await socket.connect()
    assert connected  # accepted, then closed with a code when refused (see RoundConsumer)
    frames = []
    output = await socket.receive_output(5)
    if output["type"] == "websocket.close":
        assert output["code"] == CLOSE_FORBIDDEN
        await socket.disconnect()  # the consumer ends in this event loop, not as it closes
        return False, frames
    frames.append(output.get("bytes") or output.get("text"))
    if path.startswith("/ws/pad/"):
        doc = pycrdt.Doc()
        await socket.send_to(bytes_data=pycrdt.handle_sync_message(frames[0][1:], doc))
        await socket.send_to(bytes_data=pycrdt.create_sync_message(doc))
    return True, frames


def _interviewer_acts(world) -> None:
    """Everything that changes the round with interviewer-only text nearby."""
    stage_round = Round.objects.select_related("session").get(pk=world.round.pk)
    current = RoundQuestion.objects.select_related("question", "round__session").get(pk=stage_round.current_id)
    interviewer = world.user("interviewer")
    note_services.note_save(round=stage_round, author=interviewer, body="MARK-NOTE-LIVE: said nothing yet.")
    if stage_round.status == Round.Status.RUNNING and current.question.hints.exists():
        current.round = stage_round
        round_services.hint_reveal_next(round_question=current)  # round 1's sum-two: MARK-HINT is its second


@pytest.mark.parametrize("situation", ["live", "ended", "swapped"])
def test_every_actor_opens_only_the_sockets_of_its_round_and_hears_no_marker(mini_pack, owner, partner, outsider,
                                                                              situation):
    world = build_world(situation, owner, partner, outsider)
    paths = [f"/ws/rounds/{world.round.pk}/", *_pad_paths(world)]
    unopened = {(actor, path): websocket(path, world.user(actor)) for actor in ACTORS for path in paths}

    async def conversation():
        opened, sockets, heard = {}, [], []
        for key, socket in unopened.items():
            accepted, frames = await _open(key[1], socket)
            opened[key] = accepted
            heard.extend(frames)
            if accepted:
                sockets.append(socket)
        await sync_to_async(_interviewer_acts)(world)
        for socket in sockets:
            while not await socket.receive_nothing(0.3):
                output = await socket.receive_output(5)
                if output["type"] == "websocket.send":
                    heard.append(output.get("bytes") or output.get("text"))
            await socket.disconnect()
        return opened, heard

    opened, heard = async_to_sync(conversation)()
    assert opened == {(actor, path): MAY_OPEN[actor] for actor in ACTORS for path in paths}
    assert heard, "the sockets carried nothing: the check would prove nothing"
    text = "\n".join(frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame for frame in heard)
    assert [m for m in [marker.text for marker in MARKERS] + ["MARK-NOTE-LIVE"] if m in text] == []


@pytest.mark.parametrize("situation", ["live", "ended", "swapped"])
def test_only_the_rounds_two_people_join_its_call_and_only_while_it_runs(mini_pack, owner, partner, outsider,
                                                                         situation):
    world = build_world(situation, owner, partner, outsider)
    path = f"/ws/call/{world.round.pk}/"
    unopened = {actor: websocket(path, world.user(actor)) for actor in ACTORS}

    async def conversation():
        opened, heard = {}, []
        for actor, socket in unopened.items():
            connected, _ = await socket.connect()
            assert connected  # accepted, then closed with a code when refused
            if await socket.receive_nothing(0.5):
                opened[actor] = True
                await socket.send_to(text_data='{"kind": "hello", "id": "x1", "to": null}')
            else:
                output = await socket.receive_output(1)
                assert (output["type"], output.get("code")) == ("websocket.close", CLOSE_FORBIDDEN)
                await socket.disconnect()
                opened[actor] = False
        for actor, socket in unopened.items():
            if opened[actor]:
                while not await socket.receive_nothing(0.3):
                    output = await socket.receive_output(5)
                    if output["type"] == "websocket.send":
                        heard.append(output["text"])
                await socket.disconnect()
        return opened, heard

    opened, heard = async_to_sync(conversation)()
    runs = situation != "ended"
    assert opened == {actor: runs and MAY_OPEN[actor] for actor in ACTORS}
    # The owner holds one of the two roles, so their socket replaced that role's: what is heard is only
    # hellos, byes and nothing planted.
    assert all('"kind": "hello"' in frame or '"kind": "bye"' in frame for frame in heard)
    assert not [m.text for m in MARKERS if any(m.text in frame for frame in heard)]
