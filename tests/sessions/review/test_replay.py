"""The replay builder (sessions/replay.py): ordering, idle skipping, diff marking, clock offsets, phase timing.

Django-free: plain rows in, a timeline out; no database.
"""

import difflib
from datetime import datetime, timedelta, timezone

import pytest

from sessions.review.line_diff import MAX_DIFF_STEPS, apply_patch, line_diff, split_lines
from sessions.review.replay import (
    EventRow,
    IDLE_SECONDS,
    NoteRow,
    PHASE_SHARES,
    RoundClock,
    SnapshotRow,
    SubmissionRow,
    build_timeline,
    clock_offset,
    pause_intervals,
    phase_timing,
)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def clock(elapsed=600.0, duration=2700.0, kind="coding") -> RoundClock:
    return RoundClock(started_at=T0, duration_seconds=duration, elapsed_seconds=elapsed, stage_kind=kind)


def snap(id, offset, content, field="code", question=1) -> SnapshotRow:
    return SnapshotRow(id=id, round_question_id=question, field=field, content=content, offset=offset)


def run(id, created, finished=None, kind="run", verdict="AC", passed=None, total=None) -> SubmissionRow:
    return SubmissionRow(id=id, round_question_id=1, kind=kind, status="done" if finished is not None else "running",
                         verdict=verdict if finished is not None else "", created_at=at(created),
                         finished_at=at(finished) if finished is not None else None, passed=passed, total=total)


def event(id, kind, offset, wall=None, question=None, label="", detail="", text="") -> EventRow:
    return EventRow(id=id, kind=kind, offset=offset, created_at=at(offset if wall is None else wall),
                    round_question_id=question, label=label, detail=detail, text=text)


def build(**rows):
    defaults = {"clock": clock(), "snapshots": [], "submissions": [], "events": [], "notes": [], "has_coding": True}
    return build_timeline(**{**defaults, **rows})


# ---------------------------------------------------------------- ordering


def test_it_merges_every_kind_of_row_in_clock_order():
    timeline = build(
        snapshots=[snap(1, 30, "a"), snap(2, 95, "a\nb")],
        submissions=[run(7, 40, 42)],
        events=[event(1, "start", 0), event(2, "reveal_hint", 60, question=1, text="Split the line.")],
        notes=[NoteRow(id=3, offset=50, body_html="<p>went straight to code</p>", tags=(("strong", "Strong signal"),))],
    )
    assert [(e.kind, e.offset) for e in timeline.entries] == [
        ("start", 0), ("snapshot", 30), ("run", 40), ("result", 42), ("note", 50), ("reveal_hint", 60),
        ("snapshot", 95),
    ]
    hint = timeline.entries[5].to_dict()
    assert hint["text"] == "Split the line."
    note = timeline.entries[4].to_dict()
    assert note["html"] == "<p>went straight to code</p>" and note["tags"] == [["strong", "Strong signal"]]


def test_it_breaks_ties_by_kind_then_id_so_the_order_is_stable():
    rows = {
        "snapshots": [snap(9, 100, "x"), snap(4, 100, "x", field="answer", question=2)],
        "events": [event(5, "pause", 100), event(6, "reveal_constraint", 100), event(2, "end", 100),
                   event(1, "start", 0)],
        "notes": [NoteRow(id=8, offset=100, body_html=""), NoteRow(id=3, offset=100, body_html="")],
        "submissions": [run(1, 100, 100)],
    }
    first = build(**rows)
    again = build(**{key: list(reversed(value)) for key, value in rows.items()})
    expected = [("start", 1), ("reveal_constraint", 6), ("snapshot", 4), ("snapshot", 9), ("run", 1), ("result", 1),
                ("note", 3), ("note", 8), ("pause", 5), ("end", 2)]
    assert [(e.kind, e.id) for e in first.entries] == expected
    assert [(e.kind, e.id) for e in again.entries] == expected


def test_it_labels_runs_and_results_with_their_verdict_and_score():
    timeline = build(submissions=[run(1, 10, 12, kind="submit", verdict="WA", passed=1, total=2), run(2, 20)])
    labels = [(e.kind, e.label) for e in timeline.entries]
    assert labels == [("run", "Submit pressed"), ("result", "Submit: WA 1/2"), ("run", "Run pressed")]
    unfinished = timeline.entries[2].to_dict()
    assert unfinished["finished"] is None and unfinished["status"] == "running"


def test_a_resume_comes_right_after_its_pause_at_the_same_offset():
    timeline = build(events=[event(3, "resume", 19, wall=40, label="Resumed"), event(2, "pause", 19, wall=20, label="Paused"),
                             event(4, "end", 19, wall=41, label="Ended")])
    assert [e.label for e in timeline.entries] == ["Paused", "Resumed", "Ended"]


def test_event_details_go_into_the_label_where_they_say_something():
    timeline = build(events=[event(1, "time_added", 10, label="Time added", detail="+5 min"),
                             event(2, "reveal_hint", 20, label="Hint revealed", detail="hint 1")])
    assert [e.label for e in timeline.entries] == ["Time added (+5 min)", "Hint revealed"]


# ---------------------------------------------------------------- the round's clock


def test_run_offsets_leave_out_the_pauses_before_them():
    events = [event(1, "start", 0), event(2, "pause", 100, wall=100), event(3, "resume", 100, wall=400)]
    pauses = pause_intervals(events)
    assert pauses == [(at(100), at(400))]
    assert clock_offset(at(50), clock=clock(), pauses=pauses) == 50
    assert clock_offset(at(250), clock=clock(), pauses=pauses) == 100  # during the pause: the clock stood still
    assert clock_offset(at(450), clock=clock(), pauses=pauses) == 150
    assert clock_offset(None, clock=clock(), pauses=pauses) is None


def test_a_pause_that_the_end_closed_and_one_still_open_both_count():
    assert pause_intervals([event(1, "pause", 10, wall=10), event(2, "end", 10, wall=70)]) == [(at(10), at(70))]
    still = pause_intervals([event(1, "pause", 10, wall=10)])
    assert still == [(at(10), None)]
    assert clock_offset(at(500), clock=clock(), pauses=still) == 10


def test_a_result_after_the_end_shows_at_the_end():
    timeline = build(clock=clock(elapsed=300), submissions=[run(1, 299, 310)])
    assert [e.offset for e in timeline.entries] == [299, 300]
    assert timeline.end_offset == 300


def test_an_unstarted_round_has_an_empty_timeline():
    timeline = build(clock=RoundClock(started_at=None, duration_seconds=2700, elapsed_seconds=0, stage_kind="coding"))
    assert timeline.entries == [] and timeline.play_end == 0 and timeline.skipped == [] and timeline.phases == []


# ---------------------------------------------------------------- idle skipping


def test_idle_stretches_play_short_and_keep_their_real_offsets():
    timeline = build(
        clock=clock(elapsed=400),
        snapshots=[snap(1, 2, "a"), snap(2, 4, "ab"), snap(3, 200, "abc")],
        events=[event(1, "start", 0)],
    )
    assert [e.offset for e in timeline.entries] == [0, 2, 4, 200]
    assert [e.play for e in timeline.entries] == [0, 2, 4, 4 + IDLE_SECONDS]
    assert timeline.skipped == [(4, 200), (200, 400)]
    assert timeline.play_end == 4 + 2 * IDLE_SECONDS
    assert timeline.end_offset == 400


def test_gaps_up_to_the_threshold_play_in_real_time():
    timeline = build(clock=clock(elapsed=3 * IDLE_SECONDS), snapshots=[snap(1, IDLE_SECONDS, "a"), snap(2, 2 * IDLE_SECONDS, "b")])
    assert [e.play for e in timeline.entries] == [IDLE_SECONDS, 2 * IDLE_SECONDS]
    assert timeline.skipped == [] and timeline.play_end == 3 * IDLE_SECONDS


# ---------------------------------------------------------------- diff marking


def test_each_snapshot_marks_the_lines_changed_since_the_previous_one_of_its_field():
    timeline = build(snapshots=[
        snap(1, 10, "def f():\n    pass\n"),
        snap(2, 20, "Notes", field="answer"),
        snap(3, 30, "def f():\n    return 1\n"),
        snap(4, 40, "def f():\n    return 1\n\nprint(f())\n"),
        snap(5, 50, "print(f())\n"),
    ])
    marks = [(e.data["field"], e.data["changed"], e.data["removed_at"]) for e in timeline.entries]
    assert marks == [
        ("code", [[0, 2]], []),  # everything is new
        ("answer", [[0, 1]], []),  # its own field: not compared with the code
        ("code", [[1, 2]], []),
        ("code", [[2, 4]], []),
        ("code", [], [0]),  # the first three lines went; nothing new
    ]


def test_patches_rebuild_every_state_from_the_previous_one():
    contents = ["", "a\nb\nc", "a\nB\nc\nd", "x\na\nc", "a\nc\n", "", "only"]
    lines: list[str] = []
    for before, after in zip(contents, contents[1:]):
        diff = line_diff(before, after)
        lines = apply_patch(lines, diff["patch"])
        assert lines == split_lines(after)


def test_an_unchanged_text_has_an_empty_patch():
    assert line_diff("a\nb", "a\nb\n") == {"patch": [], "changed": [], "removed_at": []}


@pytest.fixture
def matching_work(monkeypatch):
    """Counts the line visits of difflib's longest-match searches as they happen (the real search still runs)."""
    work = {"visits": 0}
    real = difflib.SequenceMatcher.find_longest_match

    def counted(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        work["visits"] += sum(1 + len(self.b2j.get(line, ())) for line in self.a[alo:ahi])
        return real(self, alo, ahi, blo, bhi)

    monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", counted)
    return work


def repeating(count: int, step: int) -> str:
    # Few distinct lines, each repeated: the worst case for difflib (cubic on long texts).
    return "\n".join(str((i * step) % 7) for i in range(count))


def test_it_bounds_the_matching_work_on_repetitive_texts(matching_work):
    before, after = repeating(400, 1), repeating(400, 3)
    diff = line_diff(before, after)
    assert apply_patch(split_lines(before), diff["patch"]) == split_lines(after)
    assert 0 < matching_work["visits"] <= 2 * MAX_DIFF_STEPS


def test_it_diffs_texts_at_the_size_limit_exactly_with_bounded_work(matching_work):
    # 8,000 short lines fill the 64 KB limit; difflib alone took seconds on such a pair.
    before, after = repeating(8000, 1), repeating(8000, 3)
    assert len(after.encode()) <= 64 * 1024
    diff = line_diff(before, after)
    assert apply_patch(split_lines(before), diff["patch"]) == split_lines(after)
    assert diff["patch"] == [[1, 8000, split_lines(after)[1:]]]  # one hunk after the shared first line
    assert diff["changed"] == [[1, 8000]]
    assert matching_work["visits"] <= 2 * MAX_DIFF_STEPS


def test_it_sets_the_shared_ends_aside_when_the_whole_is_too_costly():
    lines = [f"line {i}" for i in range(3000)]
    edited = lines[:1500] + ["changed"] + lines[1501:]
    diff = line_diff("\n".join(lines), "\n".join(edited), max_steps=100)
    assert diff == {"patch": [[1500, 1501, ["changed"]]], "changed": [[1500, 1501]], "removed_at": []}


@pytest.mark.parametrize("before, after", [
    ("a\nb\nc\nd\ne", "a\nx\nc\ne\nf"),
    ("def f():\n    return 1\n", "def f(x):\n    y = x\n    return y\n\nprint(f(2))\n"),
    ("\n".join(f"line {i}" for i in range(500)), "\n".join(f"line {i}" if i % 50 else "new" for i in range(500))),
])
def test_it_gives_difflibs_own_diff_for_ordinary_edits(before, after):
    old, new = split_lines(before), split_lines(after)
    expected = [[i1, i2, new[j1:j2]] for tag, i1, i2, j1, j2 in
                difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if tag != "equal"]
    assert line_diff(before, after)["patch"] == expected


# ---------------------------------------------------------------- per-phase timing


def phases_by_key(**kwargs):
    defaults = {"stage_kind": "coding", "duration_seconds": 1000, "elapsed_seconds": 1000, "first_change": 100,
                "last_change": 900, "first_run": 300, "first_pass": 700, "has_coding": True}
    return {p.key: p for p in phase_timing(**{**defaults, **kwargs})}


def test_coding_phases_within_their_shares_are_not_flagged():
    phases = phases_by_key()
    assert list(phases) == ["first_keystroke", "first_run", "first_pass", "after_last_change"]
    assert [phases[k].seconds for k in phases] == [100, 300, 700, 100]
    assert [phases[k].limit_seconds for k in phases] == [150, 500, 850, 150]
    assert not any(p.flagged for p in phases.values())


def test_each_overrun_phase_is_flagged():
    phases = phases_by_key(first_change=151, first_run=501, first_pass=851, last_change=849)
    assert all(p.flagged for p in phases.values())


def test_a_phase_never_reached_is_flagged_once_the_round_ran_past_its_limit():
    short = phases_by_key(elapsed_seconds=400, first_run=None, first_pass=None, last_change=350)
    assert short["first_run"].seconds is None and not short["first_run"].flagged
    long = phases_by_key(elapsed_seconds=1000, first_run=None, first_pass=None)
    assert long["first_run"].flagged and long["first_pass"].flagged and not long["first_run"].reached


def test_a_round_with_nothing_written_has_no_tail_phase():
    phases = phases_by_key(first_change=None, last_change=None, first_run=None, first_pass=None)
    assert "after_last_change" not in phases
    assert phases["first_keystroke"].flagged


def test_rounds_without_code_are_not_judged_on_runs_and_use_their_stage_shares():
    phases = phases_by_key(stage_kind="system_design", has_coding=False, first_change=190, last_change=900)
    assert list(phases) == ["first_keystroke", "after_last_change"]
    assert phases["first_keystroke"].share == PHASE_SHARES["system_design"].first_keystroke == 0.20
    assert not phases["first_keystroke"].flagged
    assert phases_by_key(stage_kind="behavioral", has_coding=False, first_change=101)["first_keystroke"].flagged


def test_a_coding_question_in_another_stage_is_judged_on_coding_shares_for_runs():
    phases = phases_by_key(stage_kind="ml_knowledge", first_run=600)
    assert phases["first_run"].share == PHASE_SHARES["coding"].first_run and phases["first_run"].flagged


def test_the_timeline_carries_its_phases():
    timeline = build(
        clock=clock(elapsed=1000, duration=1000),
        snapshots=[snap(1, 200, "a"), snap(2, 400, "b")],
        submissions=[run(1, 300, 301), run(2, 600, 602, kind="submit", verdict="WA"),
                     run(3, 800, 805, kind="submit", verdict="AC"), run(4, 900, 905, kind="submit", verdict="AC")],
    )
    phases = {p.key: p for p in timeline.phases}
    assert (phases["first_keystroke"].seconds, phases["first_keystroke"].flagged) == (200, True)
    assert (phases["first_run"].seconds, phases["first_pass"].seconds) == (300, 800)
    assert (phases["after_last_change"].seconds, phases["after_last_change"].flagged) == (600, True)
    assert timeline.to_dict()["phases"][0]["key"] == "first_keystroke"
