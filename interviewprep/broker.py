"""The embedded broker of `make run`: kombu's filesystem transport, with messages that appear whole.

kombu creates a message's file in the queue folder and only then writes into it. A worker that
lists the folder in between takes the empty file, fails to decode it and stops ("Unrecoverable
error"), and `make run` stops the web server with it. Here a message is written under a name the
queue ignores and renamed into place, which the filesystem does in one step.
"""

import os
import uuid
from time import monotonic

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

PARTIAL_SUFFIX = ".partial"  # "<stamp>_<uuid>.<queue>.msg.partial" never matches a queue's "<queue>.msg"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # The same name kombu gives a message (its millisecond stamp orders the queue), written in one go.
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX
        try:
            # 0600: a queued message carries a submission's id and arguments (var/ is private too).
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def use_for_filesystem_urls() -> None:
    """Make "filesystem://" broker URLs use this transport (kombu resolves URL schemes through this table)."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
