"""Import a JSON export (`sessions.portability.json_export.user_data`) made on another instance, for the importing user.

The whole document is checked before anything is written (`reader`, `planner`): its format and
version, every value's type and size, and every reference to a question, stage or loop, which
must exist on this instance (questions are matched by pack slug and question slug). A document
with any error saves nothing and the caller gets every error at once. Then `writer` creates the
sessions in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from sessions.portability import rules
from sessions.portability.plan import PlannedSession
from sessions.portability.planner import Planner
from sessions.portability.reader import MAX_ERRORS, Catalogue, DocumentReader, TooManyErrors, require_export
from sessions.portability.schema import MAX_SESSIONS
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


def plan_document(user, data) -> list[PlannedSession]:
    """Check a whole export document and plan its sessions for `user`; ValidationError with every problem found."""
    reader = DocumentReader()
    planned: list[PlannedSession] = []
    catalogue = None
    try:
        document = reader.mapping(data, "")
        require_export(document)
        catalogue = Catalogue(document)
        planner = Planner(user, reader, catalogue)
        for i, session in enumerate(reader.items(document, "sessions", "", limit=MAX_SESSIONS)):
            plan = planner.session(session, f"sessions[{i}]")
            if plan is not None:
                planned.append(plan)
    except TooManyErrors:
        reader.errors.append(f"Stopped after {MAX_ERRORS} errors.")
    except RecursionError:  # an export nests a few levels deep; this is something else
        reader.errors.append("The document nests too deeply to be an export.")
    if catalogue is not None:
        reader.errors[:0] = catalogue.missing.values()  # the likeliest cause first, once each
    if reader.errors:
        raise ValidationError(reader.errors)
    return planned
