"""Import a JSON export (`sessions.portability.json_export.user_data`) made on another instance, for the importing user.

The whole document is checked before anything is written (`reader`, `planner`): its format and
version, every value's type and size, and every reference to a question, stage or loop, which
must exist on this instance (questions are matched by pack slug and question slug). A document
with any error saves nothing and the caller gets every error at once. Then `writer` creates the
sessions in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sessions.portability import rules
from sessions.portability.planner import plan_document
from sessions.portability.writer import write_sessions


@dataclass(frozen=True)
class ImportResult:
    created: int  # sessions
    skipped: int  # sessions already here (imported before)
    notes_left_out: int  # notes and sheets by the other person of a paired round


def user_data_import(*, user, data) -> ImportResult:
    """Check a whole export document, then create its sessions for `user` in one transaction.

    Raises ValidationError with every problem found (nothing is saved then), PermissionDenied for a guest.
    """
    rules.require_importer(user)
    created, skipped, left_out = write_sessions(user, plan_document(user, data))
    return ImportResult(created=created, skipped=skipped, notes_left_out=left_out)
