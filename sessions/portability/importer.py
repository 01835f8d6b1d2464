"""Import a JSON export (`sessions.portability.json_export.user_data`) made on another instance, for the importing user.

The whole document is checked before anything is written (`reader`, `planner`, and `cards` for the
review cards and settings): its format and version, every value's type and size, and every reference
to a question, stage or loop, which must exist on this instance (questions are matched by pack slug and
question slug). A document with any error saves nothing and the caller gets every error at once. Then
`writer` creates the sessions and `cards` merges the cards, all in one transaction. A version 1 document
carries no cards: its finished rounds get theirs from `sessions.scheduling.recording`, as rounds played
here do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from sessions.models import Round
from sessions.portability import rules
from sessions.portability.cards import CardPlanner, PlannedCard, write_cards
from sessions.portability.plan import PlannedSession
from sessions.portability.planner import Planner
from sessions.portability.reader import MAX_ERRORS, Catalogue, DocumentReader, TooManyErrors, require_export
from sessions.portability.schema import MAX_SESSIONS
from sessions.portability.writer import write_sessions
from sessions.scheduling.recording import round_reviews_record

CARDS_SINCE = 2  # the first version whose documents carry review cards and settings


@dataclass(frozen=True)
class ImportResult:
    created: int  # sessions
    skipped: int  # sessions already here (imported before)
    notes_left_out: int  # notes and sheets by the other person of a paired round
    cards: int = 0  # review cards the document created or changed (a version 1 document has none)
    reviews: int = 0  # reviews added to them


@dataclass
class PlannedDocument:
    version: int
    sessions: list[PlannedSession] = field(default_factory=list)  # in the document's order
    cards: list[PlannedCard] = field(default_factory=list)
    review_settings: dict | None = None


def user_data_import(*, user, data) -> ImportResult:
    """Check a whole export document, then create its sessions and merge its cards for `user` in one transaction.

    Raises ValidationError with every problem found (nothing is saved then), PermissionDenied for a guest.
    """
    rules.require_importer(user)
    planned = plan_document(user, data)
    with transaction.atomic():
        written = write_sessions(user, planned.sessions)
        cards, reviews = write_cards(user, planned.cards, planned.review_settings, written.session_ids)
        if planned.version < CARDS_SINCE:
            finished = Round.objects.filter(session_id__in=written.created_ids, status=Round.Status.FINISHED)
            for stage_round in finished.select_related("session__owner", "candidate").order_by("pk"):
                round_reviews_record(stage_round)
    return ImportResult(created=len(written.created_ids), skipped=written.skipped,
                        notes_left_out=written.notes_left_out, cards=cards, reviews=reviews)


def plan_document(user, data) -> PlannedDocument:
    """Check a whole export document and plan what it holds for `user`; ValidationError with every problem found."""
    reader = DocumentReader()
    planned = PlannedDocument(version=0)
    catalogue = None
    try:
        document = reader.mapping(data, "")
        require_export(document)
        planned.version = document["version"]
        catalogue = Catalogue(document)
        planner = Planner(user, reader, catalogue)
        for i, session in enumerate(reader.items(document, "sessions", "", limit=MAX_SESSIONS)):
            plan = planner.session(session, f"sessions[{i}]")
            if plan is not None:
                planned.sessions.append(plan)
        if planned.version >= CARDS_SINCE:
            cards = CardPlanner(reader, catalogue, planner.answer_rule, document)
            planned.cards = cards.cards(document)
            planned.review_settings = cards.settings(document)
    except TooManyErrors:
        reader.errors.append(f"Stopped after {MAX_ERRORS} errors.")
    except RecursionError:  # an export nests a few levels deep; this is something else
        reader.errors.append("The document nests too deeply to be an export.")
    if catalogue is not None:
        reader.errors[:0] = catalogue.missing.values()  # the likeliest cause first, once each
    if reader.errors:
        raise ValidationError(reader.errors)
    return planned
