"""The embedded channel layer of `make run` (interviewprep/live_layer.py): a message published by
another process (the Celery worker, here a real second Python process) reaches the web server's groups."""

import asyncio
import os
import stat
import struct
import subprocess
import sys
import textwrap

import pytest
from asgiref.sync import async_to_sync

from interviewprep.live_layer import MAX_FRAME_BYTES, EmbeddedChannelLayer

PUBLISH = textwrap.dedent("""
    import asyncio, sys
    from interviewprep.live_layer import EmbeddedChannelLayer
    layer = EmbeddedChannelLayer(socket_path=sys.argv[1])
    asyncio.run(layer.group_send("round-7", {"type": "round.changed", "version": int(sys.argv[2])}))
""")


def _publish_from_another_process(socket_path, version: int) -> None:
    subprocess.run([sys.executable, "-c", PUBLISH, str(socket_path), str(version)], check=True, timeout=60,
                   cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


def test_a_message_from_another_process_reaches_the_group(tmp_path):
    path = tmp_path / "live.sock"
    layer = EmbeddedChannelLayer(socket_path=str(path))

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add("round-7", channel)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        await asyncio.get_running_loop().run_in_executor(None, _publish_from_another_process, path, 41)
        message = await asyncio.wait_for(layer.receive(channel), 10)
        await layer.flush()
        return mode, message

    mode, message = async_to_sync(scenario)()
    assert mode == 0o600  # only this account's processes may publish
    assert message == {"type": "round.changed", "version": 41}
    assert not path.exists()  # flush (the server stopping) removes the socket


def test_publishing_with_no_web_server_listening_is_a_no_op(tmp_path):
    """The worker finishing a run while `make run`'s web server is down: nobody is waiting, nothing fails."""
    layer = EmbeddedChannelLayer(socket_path=str(tmp_path / "live.sock"))
    async_to_sync(layer.group_send)("round-7", {"type": "round.changed", "version": 1})
    (tmp_path / "live.sock").write_bytes(b"")  # a stale file left by a crashed server
    async_to_sync(layer.group_send)("round-7", {"type": "round.changed", "version": 2})


def test_the_web_server_delivers_its_own_messages_in_memory(tmp_path):
    layer = EmbeddedChannelLayer(socket_path=str(tmp_path / "live.sock"))

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add("round-7", channel)
        await layer.group_send("round-7", {"type": "round.changed", "version": 3})
        message = await layer.receive(channel)
        await layer.flush()
        return message

    assert async_to_sync(scenario)() == {"type": "round.changed", "version": 3}


def test_an_oversized_message_is_refused_before_it_is_sent(tmp_path):
    layer = EmbeddedChannelLayer(socket_path=str(tmp_path / "live.sock"))
    with pytest.raises(ValueError, match="over the"):
        async_to_sync(layer.group_send)("round-7", {"type": "round.changed", "blob": "x" * (MAX_FRAME_BYTES + 1)})


def test_a_malformed_frame_is_dropped_and_the_listener_keeps_serving(tmp_path):
    path = tmp_path / "live.sock"
    layer = EmbeddedChannelLayer(socket_path=str(path))

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add("round-7", channel)
        _, writer = await asyncio.open_unix_connection(str(path))
        writer.write(struct.pack("!I", 5) + b"\xc1\xc1\xc1\xc1\xc1")  # 0xc1 is never valid msgpack
        await writer.drain()
        writer.close()
        _, writer = await asyncio.open_unix_connection(str(path))
        writer.write(struct.pack("!I", MAX_FRAME_BYTES + 1))  # announces more than the limit
        await writer.drain()
        writer.close()
        await asyncio.get_running_loop().run_in_executor(None, _publish_from_another_process, path, 9)
        message = await asyncio.wait_for(layer.receive(channel), 10)
        await layer.flush()
        return message

    assert async_to_sync(scenario)() == {"type": "round.changed", "version": 9}
