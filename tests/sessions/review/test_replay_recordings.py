"""Recordings on the replay's timeline (sessions/review/replay.py): where their audio sits on the round's
clock, how they order among other entries, and that time they cover always plays in real time."""

from sessions.review.replay import IDLE_SECONDS, RecordingRow, audio_segments, pause_intervals
from tests.sessions.review.test_replay import at, build, clock, event, snap


def rec(id, started, duration, owner="alice", kind="call") -> RecordingRow:
    return RecordingRow(id=id, kind=kind, owner=owner, started_at=at(started), duration=duration,
                        url=f"/practice/recordings/{id}/audio/", round_question_id=1)


def test_a_recording_sits_on_the_clock_where_it_started_and_ends_where_its_audio_does():
    timeline = build(snapshots=[snap(1, 30, "x = 1")], recordings=[rec(7, 20, 25)])
    kinds = [(e.kind, e.offset) for e in timeline.entries]
    assert kinds == [("recording", 20), ("snapshot", 30), ("recording_end", 45)]
    (placed,) = timeline.recordings
    assert (placed["offset"], placed["end"], placed["segments"]) == (20, 45, [[20, 0, 25]])
    assert placed["url"] == "/practice/recordings/7/audio/" and placed["owner"] == "alice"


def test_a_recording_starts_before_and_ends_after_what_happened_at_the_same_moment():
    timeline = build(events=[event(1, "switch", 20, question=1)], snapshots=[snap(2, 45, "y")],
                     recordings=[rec(7, 20, 25)])
    assert [e.kind for e in timeline.entries] == ["recording", "switch", "snapshot", "recording_end"]


def test_time_inside_a_recording_plays_in_real_time_and_idle_time_outside_is_shortened():
    # Nothing but the recording between 100 and 160: a silent stretch to compress, were it not heard.
    timeline = build(snapshots=[snap(1, 10, "a"), snap(2, 300, "b")], recordings=[rec(7, 100, 60)],
                     clock=clock(elapsed=300))
    plays = {e.kind: e.play for e in timeline.entries if e.kind.startswith("recording")}
    assert plays["recording_end"] - plays["recording"] == 60  # all 60 seconds of speech
    assert (10.0, 100.0) in timeline.skipped and (160.0, 300.0) in timeline.skipped
    assert timeline.play_end == IDLE_SECONDS + IDLE_SECONDS + 60 + IDLE_SECONDS  # 0-10, 10-100, heard, 160-300


def test_what_was_said_during_a_pause_has_no_place_on_the_clock():
    # Paused from wall second 50 to 80: the clock stands at 50 the whole time.
    events = [event(1, "pause", 50, wall=50), event(2, "resume", 50, wall=80)]
    recording = rec(7, 40, 60)  # wall 40 .. 100
    segments = audio_segments(recording, clock=clock(), pauses=pause_intervals(events))
    assert segments == [(40, 0, 10), (50, 40, 20)]  # audio 10..40 s (the pause) is skipped
    timeline = build(events=events, recordings=[recording])
    assert timeline.recordings[0]["end"] == 70


def test_recordings_are_ordered_by_their_start_and_one_with_no_audio_is_left_out():
    timeline = build(recordings=[rec(9, 50, 5, owner="bob"), rec(7, 20, 10), rec(8, 30, 0)])
    assert [r["id"] for r in timeline.recordings] == [7, 9]
    assert [e.label for e in timeline.entries][:1] == ["Recording starts: alice (call)"]
