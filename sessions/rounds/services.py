"""The writes and workflows of rounds, in one place for views and other features to call.

Each lives in the module of its part of a round (starting, clock, answers, reveals); this module
only names them, so a caller needs one import and the parts stay small.
"""

from sessions.rounds.answers import ChangedFields, answer_save, round_assess, self_grade_set
from sessions.rounds.clock import (
    question_switch,
    round_add_time,
    round_end,
    round_pause,
    round_resume,
    round_start,
    round_sync,
    rounds_close_expired,
)
from sessions.rounds.refusals import RoundClosed, Withheld
from sessions.rounds.reveals import constraint_reveal_next, hint_reveal_next, model_answer_reveal
from sessions.rounds.starting import draw_questions, questions_add, session_start

__all__ = [
    "ChangedFields", "RoundClosed", "Withheld", "answer_save", "constraint_reveal_next", "draw_questions",
    "hint_reveal_next", "model_answer_reveal", "question_switch", "questions_add", "round_add_time", "round_assess",
    "round_end", "round_pause", "round_resume", "round_start", "round_sync", "rounds_close_expired", "self_grade_set",
    "session_start",
]
