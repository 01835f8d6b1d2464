"""The JSON export format: its name and version, how it writes times and names pack content, shared by
the writer (`json_export`) and the reader (`reader`, `planner`).

A document is `{"format", "version", "exported_at", "user", "sessions": [...], "review_settings",
"review_cards": [...]}`; each session holds its rounds, each round its questions (with snapshots and runs),
events, notes, sheets, scorecard and the candidate's feedback. Questions, stages and loops are named by their
pack slugs, never by database ids; scorecard ratings by their position in the rubric
(`sessions.feedback.scorecards`).

Version 2 added the spaced-repetition data (`sessions.portability.cards`): the review settings (null until
the user saved them) and the user's cards, each with its review log; a review names the round question it
came from by `{"session": the session's "id" in this document, "round": round order, "question": question
order}`, or null when that round question is gone. Version 1 documents have neither; both are read.

An export asked for with the user's recordings also has `"recordings": [...]` (`sessions.portability.recordings`);
the reader ignores it.
"""

from __future__ import annotations

from datetime import UTC, datetime

FORMAT = "interviewprep-export"
VERSION = 3  # 3: design questions' whiteboards (portability/whiteboards.py), coding questions' own test cases
READABLE_VERSIONS = (1, 2, 3)

# The keys naming pack content, as the writer writes them and the reader looks them up (titles are for people).
QUESTION_KEYS = ("pack", "slug")
STAGE_KEYS = ("pack", "loop", "slug")
LOOP_KEYS = ("pack", "slug")

# The roles a round may give the exporting user, by the session's mode.
SOLO_ROLES = ("solo",)
PAIRED_ROLES = ("interviewer", "candidate")

# How much a document may hold; an import refuses more, with the place it found it.
MAX_SESSIONS = 2000
MAX_ROUNDS_PER_SESSION = 50
MAX_QUESTIONS_PER_ROUND = 20
MAX_EVENTS_PER_ROUND = 20000
MAX_SUBMISSIONS_PER_QUESTION = 2000
MAX_OUTPUT_BYTES = 1024 * 1024  # stdout, stderr, compiler output of one run
MAX_RESULTS_BYTES = 2 * 1024 * 1024  # a judged run's stored results, as JSON
MAX_SHEET_BYTES = 256 * 1024
MAX_CARDS = 5000
MAX_REVIEWS_PER_CARD = 1000

# Fields of a run kept as they are.
SUBMISSION_FIELDS = ("kind", "language", "source", "stdin", "custom_tests", "status", "verdict", "stdout", "stderr",
                     "compile_output", "results", "time_ms", "wall_ms", "memory_kb", "message")
SUBMISSION_TIMES = ("created_at", "started_at", "finished_at")


def moment(value: datetime | None) -> str | None:
    """Full precision, in UTC: the import matches sessions on their creation time."""
    return value.astimezone(UTC).isoformat() if value else None


def question_ref(question) -> dict:
    return {"pack": question.pack.slug, "slug": question.slug, "title": question.title}


def stage_ref(stage) -> dict | None:
    if stage is None:
        return None
    return {"pack": stage.loop.pack.slug, "loop": stage.loop.slug, "slug": stage.slug, "title": stage.title}


def loop_ref(loop) -> dict | None:
    if loop is None:
        return None
    return {"pack": loop.pack.slug, "slug": loop.slug, "name": loop.name}
