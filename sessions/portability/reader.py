"""Reading an export document (`sessions.portability.schema`): typed values checked for type and size, every
error collected with where it was found, and the pack content it names looked up on this instance.

Nothing here builds rows; `planner` does, asking this module for each value.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.core.exceptions import ValidationError

from questions.models import InterviewLoop, Question, Stage
from sessions.portability.schema import FORMAT, LOOP_KEYS, QUESTION_KEYS, READABLE_VERSIONS, STAGE_KEYS
from sessions.rounds.answer_limits import MAX_ANSWER_BYTES
from sessions.runs.own_cases import own_cases_clean

MAX_ERRORS = 100  # past this the list stops growing: the document is plainly not an export
# PostgreSQL stores no NUL character in text or JSON; no answer typed in a browser holds one.
NUL_MESSAGE = "holds a NUL character, which cannot be stored."
EARLIEST, LATEST = 1970, 9999


def require_export(document: dict | None) -> None:
    """The document's format and version, before anything else is read: a clear message for anything else."""
    if document is None:
        raise ValidationError("This is not an InterviewPrep export: expected a JSON object.")
    if document.get("format") != FORMAT:
        raise ValidationError(f"This is not an InterviewPrep export (its “format” is not “{FORMAT}”).")
    if type(document.get("version")) is not int or document["version"] not in READABLE_VERSIONS:
        *earlier, last = (str(version) for version in READABLE_VERSIONS)
        readable = f"{', '.join(earlier)} and {last}" if earlier else last
        raise ValidationError(
            f"This export has version {str(document.get('version'))[:20]}; this instance reads versions {readable}."
        )


class TooManyErrors(Exception):
    """Raised when the error list is full: the document is plainly not an export."""


class DocumentReader:
    """Reads typed values out of the document, collecting every error with where it was found."""

    def __init__(self):
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}" if path else message)
        if len(self.errors) >= MAX_ERRORS:
            raise TooManyErrors

    def mapping(self, value, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, "expected an object.")
            return None
        return value

    def optional_mapping(self, value, path: str) -> dict | None:
        """None (absent, or null) is fine; anything else must be an object."""
        return None if value is None else self.mapping(value, path)

    def items(self, data: dict, key: str, path: str, *, limit: int) -> list:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.error(f"{path}.{key}", "expected a list.")
            return []
        if len(value) > limit:
            self.error(f"{path}.{key}", f"at most {limit} entries are allowed, this has {len(value)}.")
            return []
        return value

    def own_cases(self, data: dict, key: str, path: str) -> list[dict]:
        """A coding question's own test cases (none before version 3), checked like the round page's."""
        try:
            return own_cases_clean(data.get(key, []))
        except ValidationError as error:
            self.error(f"{path}.{key}", " ".join(error.messages))
            return []

    def text(self, data: dict, key: str, path: str, *, max_bytes: int = MAX_ANSWER_BYTES, max_chars: int | None = None,
             default=None, null: bool = False) -> str | None:
        """Long text is limited in bytes (as the services limit answers), names and labels in characters."""
        value = data.get(key, default)
        if value is None and null:
            return None
        if not isinstance(value, str):
            self.error(f"{path}.{key}", "expected text." if key in data else "missing.")
            return ""
        if max_chars is not None and len(value) > max_chars:
            self.error(f"{path}.{key}", f"longer than {max_chars} characters.")
        elif len(value.encode()) > max_bytes:
            self.error(f"{path}.{key}", f"over the {_size(max_bytes)} limit.")
        elif "\x00" in value:
            self.error(f"{path}.{key}", NUL_MESSAGE)
        return value

    def integer(self, data: dict, key: str, path: str, *, low: int, high: int, default=None,
                null: bool = False) -> int | None:
        value = data.get(key, default)
        if value is None and null:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{path}.{key}", "expected a whole number." if key in data else "missing.")
            return low
        if not low <= value <= high:
            self.error(f"{path}.{key}", f"expected a number from {low} to {high}, not {value}.")
        return value

    def number(self, data: dict, key: str, path: str, *, low: float, high: float, default=None) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(f"{path}.{key}", "expected a number." if key in data else "missing.")
            return low
        if not low <= value <= high:
            self.error(f"{path}.{key}", f"expected a number from {low:g} to {high:g}.")
        return float(value)

    def flag(self, data: dict, key: str, path: str, *, default=None) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", "expected true or false." if key in data else "missing.")
            return False
        return value

    def choice(self, data: dict, key: str, path: str, choices, *, default=None) -> str:
        value = data.get(key, default)
        if value not in choices:
            allowed = ", ".join(repr(c) for c in choices)
            self.error(f"{path}.{key}", f"expected one of {allowed}." if key in data else "missing.")
            return next(iter(choices))
        return value

    def moment(self, data: dict, key: str, path: str, *, null: bool = True) -> datetime | None:
        value = data.get(key)
        if value is None and null:
            return None
        if not isinstance(value, str):
            self.error(f"{path}.{key}", "expected a date and time." if key in data else "missing.")
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.error(f"{path}.{key}", f"{value[:40]!r} is not an ISO 8601 date and time.")
            return None
        if parsed.tzinfo is None:
            self.error(f"{path}.{key}", "a date and time needs its time zone offset.")
            return None
        try:
            parsed = parsed.astimezone(UTC)
        except OverflowError:
            parsed = None
        if parsed is None or not EARLIEST <= parsed.year <= LATEST:
            self.error(f"{path}.{key}", f"expected a date between {EARLIEST} and {LATEST}.")
            return None
        return parsed

    def blob(self, data: dict, key: str, path: str, kind: type, *, max_bytes: int):
        """A JSON object or list stored as it is (run results, sheet fields), checked for type and size."""
        value = data.get(key, kind())
        if not isinstance(value, kind):
            self.error(f"{path}.{key}", f"expected {'an object' if kind is dict else 'a list'}.")
            return kind()
        try:
            text = json.dumps(value, allow_nan=False)
        except ValueError:
            self.error(f"{path}.{key}", "holds a number that is not finite (NaN or infinity).")
            return kind()
        if len(text) > max_bytes:
            self.error(f"{path}.{key}", f"over the {_size(max_bytes)} limit.")
        elif _has_nul(value):
            self.error(f"{path}.{key}", NUL_MESSAGE)
        return value


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


# ---------------------------------------------------------------- references to this instance's packs


class Catalogue:
    """The questions, stages and loops the document names, looked up once."""

    def __init__(self, document: dict):
        question_slugs, loop_slugs = [], []  # lists: a forged slug may be unhashable (a list), and is dropped below
        for session in dicts(document.get("sessions")):
            if isinstance(session.get("loop"), dict):
                loop_slugs.append(session["loop"].get("slug"))
            for stage_round in dicts(session.get("rounds")):
                if isinstance(stage_round.get("stage"), dict):
                    loop_slugs.append(stage_round["stage"].get("loop"))
                for rq in dicts(stage_round.get("questions")):
                    if isinstance(rq.get("question"), dict):
                        question_slugs.append(rq["question"].get("slug"))
        for card in dicts(document.get("review_cards")):
            if isinstance(card.get("question"), dict):
                question_slugs.append(card["question"].get("slug"))
        question_slugs = {s for s in question_slugs if isinstance(s, str)}
        loop_slugs = {s for s in loop_slugs if isinstance(s, str)}
        self.questions = {
            (q.pack.slug, q.slug): q
            for q in Question.objects.filter(slug__in=question_slugs).select_related("pack")
            .prefetch_related("rubric_items")
        }
        self.loops = {
            (loop.pack.slug, loop.slug): loop
            for loop in InterviewLoop.objects.filter(slug__in=loop_slugs).select_related("pack")
        }
        self.stages = {
            (stage.loop.pack.slug, stage.loop.slug, stage.slug): stage
            for stage in Stage.objects.filter(loop__slug__in=loop_slugs).select_related("loop__pack")
            .prefetch_related("rubric_items")
        }
        self.missing: dict[str, str] = {}  # one message per missing thing, however often it is named

    def question(self, reader: DocumentReader, ref, path: str) -> Question | None:
        ref = reader.mapping(ref, path)
        if ref is None:
            return None
        pack, slug = (reader.text(ref, name, path, max_chars=80 if name == "pack" else 120) for name in QUESTION_KEYS)
        found = self.questions.get((pack, slug))
        if found is None and pack and slug:
            title = ref.get("title") if isinstance(ref.get("title"), str) else slug
            self.missing[f"question {pack}/{slug}"] = (
                f"The question “{title[:200]}” ({pack}/{slug}) is not on this instance: load the pack “{pack}” first."
            )
        return found

    def stage(self, reader: DocumentReader, ref, path: str) -> Stage | None:
        ref = reader.optional_mapping(ref, path)
        if ref is None:
            return None
        key = tuple(reader.text(ref, name, path, max_chars=80) for name in STAGE_KEYS)
        found = self.stages.get(key)
        if found is None and all(key):
            self.missing["stage " + "/".join(key)] = (
                f"The stage {key[1]}/{key[2]} of the pack “{key[0]}” is not on this instance: load the pack first."
            )
        return found

    def loop(self, reader: DocumentReader, ref, path: str) -> InterviewLoop | None:
        ref = reader.optional_mapping(ref, path)
        if ref is None:
            return None
        key = tuple(reader.text(ref, name, path, max_chars=80) for name in LOOP_KEYS)
        found = self.loops.get(key)
        if found is None and all(key):
            self.missing[f"loop {key[0]}/{key[1]}"] = (
                f"The loop {key[1]} of the pack “{key[0]}” is not on this instance: load the pack first."
            )
        return found


def dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
