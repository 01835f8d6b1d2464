"""How long a round took to reach each phase (first keystroke, first run, first passing submit, the time
after the last change), each flagged when it overran the share its stage kind's guidance suggests.
Django-free, like the replay that reports it (sessions/review/replay.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    key: str
    label: str
    seconds: float | None  # None: it never happened
    limit_seconds: float | None  # None: this stage kind sets no share for it
    share: float | None
    flagged: bool

    @property
    def reached(self) -> bool:
        return self.seconds is not None


@dataclass(frozen=True)
class PhaseShares:
    """The most of a round's planned length each phase should take, as a fraction (None: not judged)."""

    first_keystroke: float | None
    first_run: float | None
    first_pass: float | None
    after_last_change: float | None


# What each stage kind's guidance suggests, as shares of the round (duration, added time included):
# - coding: understand and plan, then write (first keystroke within 15%); run something by half
#   time; a passing submit with 15% left to test and discuss; and no more than 15% after the last
#   edit (a long tail of no changes is time not spent testing or improving);
# - ML knowledge (concept answers): start writing within 10%; at most 20% idle at the end;
# - ML design and system design: clarify requirements for up to 20% before writing; 15% tail;
# - behavioural, people and culture, technical management, recruiter: stories start within 10%;
#   a quarter of the round may go to the interviewer's follow-ups and questions at the end.
PHASE_SHARES = {
    "coding": PhaseShares(first_keystroke=0.15, first_run=0.50, first_pass=0.85, after_last_change=0.15),
    "ml_knowledge": PhaseShares(first_keystroke=0.10, first_run=None, first_pass=None, after_last_change=0.20),
    "ml_design": PhaseShares(first_keystroke=0.20, first_run=None, first_pass=None, after_last_change=0.15),
    "system_design": PhaseShares(first_keystroke=0.20, first_run=None, first_pass=None, after_last_change=0.15),
    "behavioral": PhaseShares(first_keystroke=0.10, first_run=None, first_pass=None, after_last_change=0.25),
    "technical_management": PhaseShares(first_keystroke=0.10, first_run=None, first_pass=None, after_last_change=0.25),
    "recruiter": PhaseShares(first_keystroke=0.10, first_run=None, first_pass=None, after_last_change=0.30),
}
DEFAULT_SHARES = PhaseShares(first_keystroke=0.15, first_run=None, first_pass=None, after_last_change=0.20)
# Any round with a coding question is judged on runs, whatever its stage (a coding share applies).
CODING_SHARES = PHASE_SHARES["coding"]

PHASE_LABELS = {
    "first_keystroke": "Time to first keystroke",
    "first_run": "Time to first run",
    "first_pass": "Time to first passing submit",
    "after_last_change": "Time after the last change",
}


def phase_timing(
    *,
    stage_kind: str,
    duration_seconds: float,
    elapsed_seconds: float,
    first_change: float | None,
    last_change: float | None,
    first_run: float | None,
    first_pass: float | None,
    has_coding: bool,
) -> list[Phase]:
    """Per-phase times of a round, flagged when over the stage's share.

    A phase that never happened counts as lasting the whole time used, so a round that ran past
    a phase's limit without reaching it is flagged too. Run phases apply only to rounds with a
    coding question; the time after the last change only once something was written.
    """
    shares = PHASE_SHARES.get(stage_kind, DEFAULT_SHARES)
    measured = {
        "first_keystroke": first_change,
        "first_run": first_run,
        "first_pass": first_pass,
        "after_last_change": None if last_change is None else max(0.0, elapsed_seconds - last_change),
    }
    phases = []
    for key, label in PHASE_LABELS.items():
        if key in ("first_run", "first_pass"):
            if not has_coding:
                continue
            share = getattr(shares, key) if getattr(shares, key) is not None else getattr(CODING_SHARES, key)
        else:
            share = getattr(shares, key)
        seconds = measured[key]
        if key == "after_last_change" and seconds is None:
            continue
        limit = share * duration_seconds if share is not None else None
        spent = seconds if seconds is not None else elapsed_seconds
        flagged = limit is not None and spent > limit
        phases.append(Phase(key, label, seconds, limit, share, flagged))
    return phases
