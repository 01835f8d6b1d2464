"""What the pages show of calls and recordings: the consent panel, a solo question's spoken takes, the
recordings listed on the review page and placed on the replay's timeline.

Who hears what: the people in the round hear every recording of it (both sides of a call they were
in); a share link plays only its creator's own voice, and only when they chose to include it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from sessions.access import Role
from sessions.calls.recordings import is_spoken, quota_used
from sessions.models import CallConsent, Recording, Round, RoundQuestion, ShareLink
from sessions.paired.services import display_name
from sessions.review.replay import RecordingRow
from sessions.review.sharing import shared_rounds_filter


def consent_context(stage_round: Round) -> dict:
    """The consent panel of a paired round for its interviewer or candidate (`stage_round.role`)."""
    # Read only: a page view writes nothing (the row is made by the first ask).
    consent = CallConsent.objects.filter(round=stage_round).first() or CallConsent(round=stage_round)
    mine, theirs = ((consent.interviewer_agrees, consent.candidate_agrees) if stage_round.role == Role.INTERVIEWER
                    else (consent.candidate_agrees, consent.interviewer_agrees))
    partner = stage_round.candidate if stage_round.role == Role.INTERVIEWER else stage_round.interviewer
    return {
        "round": stage_round, "consent": consent, "recording": consent.recording and stage_round.is_open,
        "you_agree": mine, "they_agree": theirs, "partner_name": display_name(partner),
    }


@dataclass(frozen=True)
class RecordingView:
    """A recording as a list shows it."""

    id: int
    kind: str
    owner: str
    mine: bool
    seconds: float
    bytes: int
    question_id: int | None
    question_number: int | None
    url: str
    finished: bool


def _views(recordings, *, user_id: int | None, url: Callable[[int], str]) -> list[RecordingView]:
    return [
        RecordingView(
            id=r.pk, kind=r.kind, owner=display_name(r.owner), mine=r.owner_id == user_id,
            seconds=r.duration_seconds, bytes=r.bytes, question_id=r.round_question_id,
            question_number=None if r.round_question is None else r.round_question.order + 1,
            url=url(r.pk), finished=r.finished_at is not None,
        )
        for r in recordings
    ]


def own_audio_url(recording_id: int) -> str:
    return reverse("recording_audio", args=[recording_id])


def shared_audio_url(token: str) -> Callable[[int], str]:
    return lambda recording_id: reverse("shared_recording_audio", args=[token, recording_id])


@dataclass(frozen=True)
class HeardRecordings:
    """Which recordings a page plays and where their audio comes from: by default (a participant) all of
    the round's, from `recording_audio`; through a share link, only `owner_id`'s, or none at all."""

    owner_id: int | None = None
    url: Callable[[int], str] = own_audio_url
    none: bool = False

    @classmethod
    def default(cls, *, shared: bool) -> "HeardRecordings":
        """A participant hears the round's recordings; a share link, none unless asked for by `for_link`."""
        return cls(none=shared)

    @classmethod
    def for_link(cls, link: ShareLink, token: str) -> "HeardRecordings":
        return cls(owner_id=link.created_by_id, url=shared_audio_url(token), none=not link.include_recordings)

    def by_round(self, round_ids, *, user_id: int | None) -> dict[int, list[RecordingView]]:
        if self.none:
            return {}
        return recordings_by_round(round_ids, user_id=user_id, owner_id=self.owner_id, url=self.url)

    def replay_rows(self, stage_round: Round, *, shown: set[int] | None = None) -> list[RecordingRow]:
        if self.none:
            return []
        return replay_rows(stage_round, owner_id=self.owner_id, url=self.url, shown=shown)


def _heard(round_ids, *, owner_id: int | None):
    """The recordings of these rounds with audio, all of them or only `owner_id`'s."""
    query = (Recording.objects.filter(round_id__in=round_ids, bytes__gt=0)
             .select_related("owner__guest", "round_question").order_by("round_id", "offset", "id"))
    return query if owner_id is None else query.filter(owner_id=owner_id)


def recordings_by_round(round_ids, *, user_id: int | None, owner_id: int | None,
                        url: Callable[[int], str]) -> dict[int, list[RecordingView]]:
    """For the review page: each round's recordings the viewer may hear (see the module's docstring)."""
    grouped = defaultdict(list)
    for recording in _heard(round_ids, owner_id=owner_id):
        grouped[recording.round_id].append(recording)
    return {round_id: _views(items, user_id=user_id, url=url) for round_id, items in grouped.items()}


def replay_rows(stage_round: Round, *, owner_id: int | None, url: Callable[[int], str],
                shown: set[int] | None = None) -> list[RecordingRow]:
    """For the replay: the recordings to place on the round's clock. `shown`: the round questions the
    viewer may see (a spoken answer to a question they may not see stays out)."""
    return [
        RecordingRow(id=r.pk, kind=r.kind, owner=display_name(r.owner), started_at=r.started_at,
                     duration=r.duration_seconds, url=url(r.pk), round_question_id=r.round_question_id)
        for r in _heard([stage_round.pk], owner_id=owner_id)
        if r.kind == Recording.Kind.CALL or shown is None or r.round_question_id in shown
    ]


def shared_recording(link: ShareLink, recording_id: int) -> Recording | None:
    """The recording a share link plays, or None: its creator's own, in a round the link shows, if included."""
    if not link.include_recordings:
        return None
    rounds = Round.objects.filter(session=link.session, **shared_rounds_filter(link.session, link.created_by_id))
    return (Recording.objects.filter(pk=recording_id, owner_id=link.created_by_id, round__in=rounds)
            .select_related("round").first())


def spoken_answers_context(round_question: RoundQuestion, user) -> dict:
    """The "Answer aloud" panel of a solo question: its takes so far and the allowance left."""
    takes = _views(
        Recording.objects.filter(round_question=round_question, kind=Recording.Kind.ANSWER, owner=user, bytes__gt=0)
        .select_related("owner__guest", "round_question").order_by("started_at", "id"),
        user_id=user.pk, url=own_audio_url,
    )
    return {
        "round_question": round_question, "takes": takes, "spoken": is_spoken(round_question),
        "quota_used": quota_used(user.pk), "quota": settings.RECORDING_QUOTA_BYTES,
    }
