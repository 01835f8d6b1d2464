"""The call and its recordings in Chromium, with its fake microphone and camera: two browser contexts
connect a call over WebRTC, both agree to record, each records its own microphone for a few seconds,
and the replay plays both recordings in step with the timeline; a solo question is answered aloud."""

import pytest
from playwright.sync_api import expect

from questions.models import Question
from sessions.calls.recordings import chunk_stream
from sessions.models import Recording
from sessions.rounds import services as round_services
from tests.browser import pages
from tests.sessions.calls.conftest import WEBM_START
from tests.sessions.live.conftest import live_round  # noqa: F401  (alice interviews bob; the round runs)

pytestmark = [pytest.mark.django_db(transaction=True)]

# Bytes of audio received over the call so far (inbound RTP), read from the page's peer connection.
RECEIVED_AUDIO = """async () => {
  const pc = window.InterviewPrepCall.peer();
  if (!pc) return 0;
  let bytes = 0;
  (await pc.getStats()).forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "audio") bytes += s.bytesReceived; });
  return bytes;
}"""

# Decode a recording as the browser would play it: its length in seconds and how loud it is (RMS).
DECODE = """async (url) => {
  const data = await (await fetch(url, { credentials: "same-origin" })).arrayBuffer();
  const audio = await new OfflineAudioContext(1, 48000, 48000).decodeAudioData(data);
  const samples = audio.getChannelData(0);
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return { seconds: audio.duration, rms: Math.sqrt(sum / samples.length) };
}"""


def open_as(browser, live_server, user):
    errors = []
    page = pages.open_as(browser, live_server, user, errors)
    page.errors = errors
    return page


def wait_for(page, script, arg=None, timeout=20_000):
    page.wait_for_function(script, arg=arg, timeout=timeout)


def test_a_call_connects_records_both_sides_and_plays_back_in_the_replay(browser, live_server, live_round, owner, partner):
    interviewer, candidate = open_as(browser, live_server, owner), open_as(browser, live_server, partner)
    for page in (interviewer, candidate):
        page.goto(f"/practice/rounds/{live_round.pk}/")
        page.get_by_role("button", name="Join the call").click()
    for page in (interviewer, candidate):
        expect(page.locator("[data-call-state=connected]")).to_be_attached()
        wait_for(page, f"() => ({RECEIVED_AUDIO})().then((bytes) => bytes > 2000)")  # sound arrives from the other side
    expect(candidate.locator(".call-status")).to_have_text("Connected with alice.")

    # Consent: alice asks, bob sees it without reloading (the live channel), agrees; both record.
    interviewer.get_by_role("button", name="Ask to record").click()
    expect(interviewer.locator("#call-consent")).to_contain_text("Waiting for bob to agree")
    expect(candidate.locator("#call-consent")).to_contain_text("alice asks to record this call")
    assert not Recording.objects.exists()
    candidate.get_by_role("button", name="Agree to record").click()
    for page in (interviewer, candidate):
        expect(page.locator(".recording-indicator")).to_be_visible()
        expect(page.locator(".recorder-status")).to_have_text("Your microphone is being recorded.")
    interviewer.wait_for_timeout(5000)
    interviewer.get_by_role("button", name="Stop recording").click()
    for page in (interviewer, candidate):
        expect(page.locator(".recorder-status")).to_have_text("Recording saved: it is in this round's review.")
        expect(page.locator("#call-consent")).to_contain_text("Not recording")

    recordings = list(Recording.objects.order_by("owner__username"))
    assert [r.owner for r in recordings] == [owner, partner]
    for recording in recordings:
        assert recording.finished_at and recording.chunk_count >= 2 and recording.duration_seconds >= 3
        assert b"".join(chunk_stream(recording)).startswith(WEBM_START)
    for page, recording in zip((interviewer, candidate), recordings):
        decoded = page.evaluate(DECODE, f"/practice/recordings/{recording.pk}/audio/")
        assert decoded["seconds"] >= 3 and decoded["rms"] > 0.01  # the fake microphone's tone, not silence

    # The replay, as the candidate: both recordings load and play in step with the timeline.
    round_services.round_end(round=live_round)
    review = candidate.context.new_page()  # the round page moves itself to the summary as the round ends
    review.goto(f"/practice/sessions/{live_round.session_id}/review/")
    review.locator(".replay").scroll_into_view_if_needed()
    expect(review.locator(".replay-sound")).to_have_text("2 of 2 recordings ready: they play with the replay.")
    expect(review.locator(".replay-entries")).to_contain_text("Recording starts: alice (call)")
    expect(review.locator(".replay-entries")).to_contain_text("Recording starts: bob (call)")
    start = review.evaluate("window.InterviewPrepReplays[0].data.entries.find((e) => e.kind === 'recording').play")
    review.evaluate(f"window.InterviewPrepReplays[0].seek({start} + 2)")  # a seek moves the sound with it
    positions = review.evaluate("window.InterviewPrepReplays[0].tracks.map((t) => t.audio.currentTime)")
    assert any(abs(p - 2) < 0.6 for p in positions), positions
    review.locator(".replay-play").click()
    wait_for(review, "() => window.InterviewPrepReplays[0].tracks.some((t) => !t.audio.paused && t.audio.currentTime > 2.5)")
    expect(review.locator(".replay-sound")).to_contain_text("Playing:")
    review.locator(".replay-play").click()
    assert review.evaluate("window.InterviewPrepReplays[0].tracks.every((t) => t.audio.paused)")
    # The review lists them too, the candidate's own with a delete button.
    expect(review.locator(f"#recording-{recordings[1].pk}")).to_contain_text("You · call")
    expect(review.locator(f"#recording-{recordings[0].pk} button")).to_have_count(0)
    assert not interviewer.errors and not candidate.errors


def test_the_call_rejoins_by_itself_when_the_page_changes_and_recording_goes_on(browser, live_server, live_round,
                                                                              owner, partner):
    interviewer, candidate = open_as(browser, live_server, owner), open_as(browser, live_server, partner)
    for page in (interviewer, candidate):
        page.goto(f"/practice/rounds/{live_round.pk}/")
        page.get_by_role("button", name="Join the call").click()
    interviewer.get_by_role("button", name="Ask to record").click()
    candidate.get_by_role("button", name="Agree to record").click()
    for page in (interviewer, candidate):
        expect(page.locator(".recorder-status")).to_have_text("Your microphone is being recorded.")
    candidate.get_by_role("button", name="Mute").click()
    expect(interviewer.locator(".call-peer")).to_have_text("bob is muted.")
    interviewer.wait_for_timeout(3000)
    # The interviewer moves to the next question: both pages load anew (the candidate's on the push).
    interviewer.get_by_role("button", name="2. Bayes in one line").click()
    expect(candidate.locator("h2#question-title")).to_have_text("Bayes in one line")
    for page in (interviewer, candidate):
        expect(page.locator("[data-call-state=connected]")).to_be_attached()  # no click: it rejoined
        expect(page.locator(".recorder-status")).to_have_text("Your microphone is being recorded.")
    wait_for(candidate, f"() => ({RECEIVED_AUDIO})().then((bytes) => bytes > 2000)")
    # Muted before the page changed, muted after it: a page change never turns the microphone back on.
    expect(candidate.get_by_role("button", name="Unmute")).to_be_visible()
    expect(interviewer.locator(".call-peer")).to_have_text("bob is muted.")
    candidate.get_by_role("button", name="Unmute").click()
    expect(interviewer.locator(".call-peer")).to_have_text("")
    wait_for(interviewer, f"() => ({RECEIVED_AUDIO})().then((bytes) => bytes > 2000)")
    interviewer.wait_for_timeout(3000)
    interviewer.get_by_role("button", name="Stop recording").click()
    for page in (interviewer, candidate):
        expect(page.locator(".recorder-status")).to_have_text("Recording saved: it is in this round's review.")
    for user in (owner, partner):
        first, second = Recording.objects.filter(owner=user).order_by("started_at")
        assert first.bytes and second.bytes and second.duration_seconds >= 2
        gap = (second.started_at - first.started_at).total_seconds() - first.duration_seconds
        assert gap < 5, f"{user}: {gap:.1f} s between the two pieces"
        assert (first.round_question.question.slug, second.round_question.question.slug) == ("sum-two", "bayes")
    assert not interviewer.errors and not candidate.errors


def test_a_solo_question_answered_aloud_plays_back(browser, live_server, owner, mini_pack):
    stage_round = round_services.session_start(owner=owner, question=Question.objects.get(slug="bayes")).rounds.get()
    page = open_as(browser, live_server, owner)
    page.goto(f"/practice/rounds/{stage_round.pk}/")
    page.get_by_role("button", name="Start recording").click()
    expect(page.locator(".spoken-status")).to_have_text("Recording… answer as you would in the room.")
    page.wait_for_timeout(3500)
    expect(page.locator(".spoken-timer")).to_have_text("0:03")
    page.get_by_role("button", name="Stop").click()
    take = page.locator(".spoken-takes .recording")
    expect(take).to_have_count(1)
    expect(take).to_contain_text("You · spoken answer · 0:0")
    recording = Recording.objects.get()
    assert recording.kind == "answer" and recording.finished_at and recording.round_question.question.slug == "bayes"
    decoded = page.evaluate(DECODE, f"/practice/recordings/{recording.pk}/audio/")
    assert decoded["seconds"] >= 3 and decoded["rms"] > 0.01
    page.once("dialog", lambda dialog: dialog.accept())
    take.get_by_role("button", name="Delete").click()
    expect(page.locator(".spoken-takes")).to_contain_text("No spoken answer to this question yet.")
    assert not Recording.objects.exists() and not page.errors
