"""The var/ folder is private to the account that runs the app: 0700, and the SQLite files in it 0600.

var/ holds the generated SECRET_KEY, the SQLite database (every account, answer and note) and the
embedded broker's queued messages. Created with the usual umask they would be readable by every
user of the machine. SQLite gives its -wal and -shm files the mode of the database file, so once
the database is 0600 they are too; an existing install is tightened on the next start.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Create `path` (0700), or tighten it to 0700 if it exists with more; returns it."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, PRIVATE_DIR)
    return path


def restrict_sqlite_files(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: make the database file and its companions 0600."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        return
    for path in (name + suffix for suffix in SQLITE_COMPANIONS):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            continue
        if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, PRIVATE_FILE)
