"""The shared pad's websocket (sessions/live/pad_consumer.py) with real Yjs clients (pycrdt speaking the
y-protocols wire format, as the browser's provider does): sync, convergence, access, saving, the caps.

Each test is one conversation in one event loop; database work inside it goes through sync_to_async.
"""

import pycrdt
import pytest
from asgiref.sync import async_to_sync, sync_to_async

from sessions.live import pad_consumer
from sessions.live.consumers import CLOSE_FORBIDDEN, CLOSE_TOO_BIG, CLOSE_TOO_MANY
from sessions.live.pad_consumer import BURST, CLOSE_MALFORMED, PadRoom
from sessions.live.pads import TEXT
from sessions.models import Round, RoundQuestion, SharedDocument, Snapshot
from tests.sessions.live.helpers import websocket

pytestmark = pytest.mark.django_db(transaction=True)  # the consumer closes the connection it finds (channels.db)


class PadClient:
    """One browser's side of a pad: its own Y.Doc, synced over the socket."""

    def __init__(self, stage_round, user, number=1, field="code"):
        self.socket = websocket(f"/ws/pad/{stage_round.pk}/{number}/{field}/", user)
        self.doc = pycrdt.Doc()
        self.text = self.doc.get(TEXT, type=pycrdt.Text)

    async def open(self) -> None:
        connected, _ = await self.socket.connect()
        assert connected
        step1 = await self.socket.receive_from(5)  # the server asks first
        await self.socket.send_to(bytes_data=pycrdt.handle_sync_message(step1[1:], self.doc))
        await self.socket.send_to(bytes_data=pycrdt.create_sync_message(self.doc))
        pycrdt.handle_sync_message((await self.socket.receive_from(5))[1:], self.doc)

    async def type(self, at: int, text: str) -> None:
        before = self.doc.get_state()
        self.text.insert(at, text)
        await self.socket.send_to(bytes_data=pycrdt.create_update_message(self.doc.get_update(before)))

    async def take(self, quiet: float = 0.3) -> list[bytes]:
        """Apply every message that arrives until the socket has been quiet for `quiet` seconds."""
        taken = []
        while not await self.socket.receive_nothing(quiet):
            message = await self.socket.receive_from(5)
            taken.append(message)
            if message[0] == pycrdt.YMessageType.SYNC:
                pycrdt.handle_sync_message(message[1:], self.doc)
        return taken

    async def close_code(self) -> int:
        while True:
            output = await self.socket.receive_output(5)
            if output["type"] == "websocket.close":
                await self.socket.disconnect()  # the consumer ends in this event loop, not as it closes
                return output["code"]

    def __str__(self) -> str:
        return str(self.text)


def _starter(live_round) -> str:
    return live_round.questions.get(question__slug="sum-two").question.starters.get(language="python").code


def test_both_people_start_from_the_starter_and_see_each_others_typing(live_round, owner, partner):
    candidate, interviewer = PadClient(live_round, partner), PadClient(live_round, owner)
    starter = _starter(live_round)

    async def talk():
        await candidate.open()
        await interviewer.open()
        assert str(candidate) == str(interviewer) == starter
        await candidate.type(0, "# bob\n")
        await interviewer.take()
        await interviewer.type(len(str(interviewer)), "# alice: try the empty line\n")
        await candidate.take()
        texts = str(candidate), str(interviewer)
        await candidate.socket.disconnect()
        await interviewer.socket.disconnect()
        return texts

    candidate_text, interviewer_text = async_to_sync(talk)()
    assert candidate_text == interviewer_text == "# bob\n" + starter + "# alice: try the empty line\n"


def test_two_people_typing_at_the_same_place_at_once_converge(live_round, owner, partner):
    candidate, interviewer = PadClient(live_round, partner), PadClient(live_round, owner)

    async def talk():
        await candidate.open()
        await interviewer.open()
        for i in range(20):  # both type at offset 0 before either hears the other
            await candidate.type(0, f"c{i} ")
            await interviewer.type(0, f"i{i} ")
        await candidate.take()
        await interviewer.take()
        texts = str(candidate), str(interviewer)
        await candidate.socket.disconnect()
        await interviewer.socket.disconnect()
        return texts

    candidate_text, interviewer_text = async_to_sync(talk)()
    assert candidate_text == interviewer_text
    assert all(f"c{i} " in candidate_text and f"i{i} " in candidate_text for i in range(20))


def test_the_pad_is_saved_as_the_answer_with_snapshots_and_a_reload_gets_it_back(live_round, partner):
    first, again = PadClient(live_round, partner), PadClient(live_round, partner)

    async def talk():
        await first.open()
        await first.type(0, "# saved by the server\n")
        await first.take(quiet=0.8)  # past the pause that saves
        await first.socket.disconnect()  # the last one out saves too
        await again.open()
        text = str(again)
        await again.socket.disconnect()
        return text

    text = async_to_sync(talk)()
    code = RoundQuestion.objects.get(round=live_round, question__slug="sum-two").code
    assert text == code == "# saved by the server\n" + _starter(live_round)
    assert Snapshot.objects.filter(round_question__round=live_round, field="code").latest("id").content == code
    sum_two = RoundQuestion.objects.get(round=live_round, question__slug="sum-two")
    assert [key for key in PadRoom.rooms if key[1:] == (sum_two.pk, "code")] == []  # everyone left: no copy kept


def test_in_a_candidate_only_pad_the_interviewers_edits_are_dropped_but_the_cursor_is_shared(live_round, owner,
                                                                                              partner):
    Round.objects.filter(pk=live_round.pk).update(pad_candidate_only=True)
    candidate, interviewer = PadClient(live_round, partner), PadClient(live_round, owner)
    encoder = pycrdt.Encoder()
    encoder.write_var_string("a cursor")
    awareness = bytes([pycrdt.YMessageType.AWARENESS]) + encoder.to_bytes()

    async def talk():
        await candidate.open()
        await interviewer.open()
        await interviewer.type(0, "# sneaky\n")
        await interviewer.socket.send_to(bytes_data=awareness)
        heard = await candidate.take()
        text = str(candidate)
        await candidate.socket.disconnect()
        await interviewer.socket.disconnect()
        return heard, text

    heard, text = async_to_sync(talk)()
    assert heard == [awareness]
    assert "sneaky" not in text
    assert "sneaky" not in RoundQuestion.objects.get(round=live_round, question__slug="sum-two").code


@pytest.mark.parametrize("number, field", [(1, "language"), (1, "answer"), (9, "code")])
def test_a_field_that_is_no_pad_is_refused(live_round, partner, number, field):
    client = PadClient(live_round, partner, number=number, field=field)

    async def talk():
        assert (await client.socket.connect())[0]
        return await client.close_code()

    assert async_to_sync(talk)() == CLOSE_FORBIDDEN
    assert not SharedDocument.objects.exists()


def test_an_outsider_is_refused_and_hears_nothing(live_round, outsider):
    client = PadClient(live_round, outsider)

    async def talk():
        assert (await client.socket.connect())[0]
        return await client.close_code()

    assert async_to_sync(talk)() == CLOSE_FORBIDDEN


def test_text_past_the_answers_limit_is_refused_before_it_is_applied(live_round, partner, settings):
    settings.RUN_MAX_SOURCE_BYTES = 2000
    client = PadClient(live_round, partner)

    async def talk():
        await client.open()
        await client.type(0, "x" * 3000)
        return await client.close_code()

    assert async_to_sync(talk)() == CLOSE_TOO_BIG
    assert "xxx" not in RoundQuestion.objects.get(round=live_round, question__slug="sum-two").code


@pytest.mark.parametrize("garbage", [b"\x00\x07", b"\x05hello", b"\x00\x02\xff\xff\xff\xff\xff"])
def test_a_malformed_message_closes_the_socket(live_round, partner, garbage):
    client = PadClient(live_round, partner)

    async def talk():
        await client.open()
        await client.socket.send_to(bytes_data=garbage)
        return await client.close_code()

    assert async_to_sync(talk)() == CLOSE_MALFORMED


def test_a_person_who_left_the_round_is_cut_off_at_their_next_edit(live_round, partner):
    client = PadClient(live_round, partner)

    def take_the_round_back():
        Round.objects.filter(pk=live_round.pk).update(candidate=None)

    async def talk():
        await client.open()
        await sync_to_async(take_the_round_back)()
        await client.socket.receive_nothing(1.1)  # past the second the last check is trusted for
        await client.type(0, "# after leaving\n")
        return await client.close_code()

    assert async_to_sync(talk)() == CLOSE_FORBIDDEN
    assert "after leaving" not in RoundQuestion.objects.get(round=live_round, question__slug="sum-two").code


def test_a_flood_of_edits_closes_the_socket(live_round, partner, monkeypatch):
    monkeypatch.setattr(pad_consumer, "MESSAGES_PER_SECOND", 0)  # no refill: the cut-off does not race the clock
    client = PadClient(live_round, partner)

    async def talk():
        await client.open()
        for at in range(BURST + 5):
            await client.type(at, "x")
        return await client.close_code()

    assert async_to_sync(talk)() == CLOSE_TOO_MANY
