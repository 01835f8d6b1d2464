"""The scorecard's rubric: what a scorecard rates, under which keys, and what a released one shows.

A round's scorecard rates the stage's rubric items, then each question's, in the order of the
round. Ratings are stored under keys of this database ("stage:<pk>", "question:<pk>"); an export
names the same items by position ("stage/1", "question/2/1"), so another instance can map them
back onto its own rows. Both keys come from `rubric_entries`, the one place that walks the rubric.

A released scorecard shows only the items rated (the interviewer may leave a question the round
never reached unrated); a draft shows every item, so its interviewer sees what is left (`shown_rows`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sessions.access import questions_reached
from sessions.models import Round, RoundQuestion, Scorecard

STAGE_HEADING = "The stage"
WITHHELD = "(hidden while you are the candidate of a round on this question)"
RATING_LABELS = dict(Scorecard.Rating.choices)


@dataclass(frozen=True)
class RubricEntry:
    """One item a scorecard rates."""

    key: str  # the key of its rating on this instance
    portable: str  # its key in an export
    text: str  # the rubric text, or WITHHELD
    section: str  # the heading it goes under
    round_question: RoundQuestion | None  # None for the stage's items


@dataclass(frozen=True)
class ScorecardSection:
    heading: str
    items: list[tuple[str, str]]  # (key, rubric text)
    optional: bool  # a question the round never reached: rating it is up to the interviewer


def question_heading(round_question: RoundQuestion) -> str:
    return f"Question {round_question.order + 1}: {round_question.question.title}"


def rubric_entries(stage_items: Iterable, round_questions: Iterable[RoundQuestion], *,
                   withheld_question_ids: Collection[int] = ()) -> list[RubricEntry]:
    """The items a scorecard rates, from loaded rows: the stage's rubric, then each question's in the round's order.

    `round_questions` need `question` with its `rubric_items` (prefetched when looping); the rubric text of
    a question in `withheld_question_ids` (the viewer is its live candidate elsewhere) reads as WITHHELD.
    """
    entries = [
        RubricEntry(f"stage:{item.pk}", f"stage/{i}", item.text, STAGE_HEADING, None)
        for i, item in enumerate(stage_items, start=1)
    ]
    for rq in round_questions:
        withheld = rq.question_id in withheld_question_ids
        entries += [
            RubricEntry(f"question:{item.pk}", f"question/{rq.order + 1}/{i}", WITHHELD if withheld else item.text,
                        question_heading(rq), rq)
            for i, item in enumerate(rq.question.rubric_items.all(), start=1)
        ]
    return entries


def round_entries(round: Round, *, withheld_question_ids: Collection[int] = ()) -> list[RubricEntry]:
    """`rubric_entries` of a round, loaded from the database."""
    stage_items = round.stage.rubric_items.all() if round.stage_id else []
    questions = round.questions.select_related("question").prefetch_related("question__rubric_items").order_by("order")
    return rubric_entries(stage_items, questions, withheld_question_ids=withheld_question_ids)


def sections(entries: list[RubricEntry], *, reached: Collection[int] | None = None) -> list[ScorecardSection]:
    """The entries under their headings; with `reached` (round question ids), questions outside it are optional."""
    grouped: dict[str, ScorecardSection] = {}
    for entry in entries:
        section = grouped.get(entry.section)
        if section is None:
            rq = entry.round_question
            optional = reached is not None and rq is not None and rq.pk not in reached
            section = grouped[entry.section] = ScorecardSection(entry.section, [], optional=optional)
        section.items.append((entry.key, entry.text))
    return list(grouped.values())


def scorecard_sections(round: Round) -> list[ScorecardSection]:
    """What the scorecard rates: the stage's rubric, then each question's, skipping sections with no items."""
    return sections(round_entries(round), reached=questions_reached(round))


def scorecard_items(round: Round) -> list[tuple[str, str]]:
    """What the scorecard may rate, as (key, text), in the order of its sections."""
    return [(entry.key, entry.text) for entry in round_entries(round)]


def portable_keys(entries: list[RubricEntry]) -> dict[str, str]:
    """Keys in an export ("question/2/1") to keys on this instance ("question:<pk>"): how an import reads ratings."""
    return {entry.portable: entry.key for entry in entries}


def shown_rows(scorecard: Scorecard | None, rows: list[dict]) -> list[dict]:
    """The rule: a released scorecard shows the items rated, nothing left blank; a draft (or none yet) shows what
    is left to rate."""
    return [row for row in rows if row["rating"]] if scorecard is not None and scorecard.is_released else rows


def scorecard_rows(entries: list[RubricEntry], scorecard: Scorecard | None, *,
                   reached: Collection[int] | None = None) -> list[dict]:
    """The rows a scorecard shows (key, text, rating, its label, section, optional), under `shown_rows`."""
    optional = {s.heading: s.optional for s in sections(entries, reached=reached)}
    ratings = scorecard.ratings if scorecard is not None else {}
    rows = [
        {"key": entry.key, "text": entry.text, "rating": ratings.get(entry.key, ""),
         "label": RATING_LABELS.get(ratings.get(entry.key, ""), ""), "section": entry.section,
         "optional": optional[entry.section]}
        for entry in entries
    ]
    return shown_rows(scorecard, rows)


def rated_entries(entries: list[RubricEntry], scorecard: Scorecard) -> list[tuple[RubricEntry, str]]:
    """Each item the scorecard holds a rating for, with that rating: what an export keeps."""
    return [(entry, scorecard.ratings[entry.key]) for entry in entries if entry.key in scorecard.ratings]
