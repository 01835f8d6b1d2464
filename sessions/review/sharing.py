"""Read-only share links to a session's review, for a mentor.

Who may share: the person whose practice it is. In a solo session that is its owner; in a
paired session, either participant, for the rounds in which they were the candidate (a
participant who only ever interviewed has nothing of their own to share, and may not pass on
the other person's answers). The link shows exactly those rounds, each as the candidate sees
it (`round_visibility(round, Role.CANDIDATE)`): no model answers, rubrics, hints not given,
draft scorecards or private notes.

A token is 256 random bits, shown once; only its SHA-256 is stored, so a copy of the database
opens nothing. A new link replaces the creator's previous one; revoking stops it at once, and
every link stops SHARE_LINK_DAYS after it was made. Unknown and revoked tokens look the same to
whoever holds them; an expired one says it expired (its holder had it legitimately).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from sessions.models import InterviewSession, Round, ShareLink
from sessions.paired.tokens import new_token, plausible, token_hash

def shared_rounds_filter(session: InterviewSession, user_id: int) -> dict:
    """Which rounds of `session` a link made by `user_id` shows, as queryset filter arguments."""
    if session.mode == InterviewSession.Mode.SOLO:
        return {} if session.owner_id == user_id else {"pk__in": []}
    return {"candidate_id": user_id}


def may_share(session: InterviewSession, user) -> bool:
    return Round.objects.filter(session=session, **shared_rounds_filter(session, user.pk)).exists()


def share_create(*, session: InterviewSession, user, include_recordings: bool = False,
                 now: datetime | None = None) -> tuple[ShareLink, str]:
    """A fresh link to the user's practice in this session; their earlier link stops working.
    With `include_recordings`, it plays the user's own recordings (never their partner's voice).

    Returns (link, token); the token is not stored and cannot be shown again.
    Raises PermissionDenied when the user was never the candidate in this session.
    """
    now = now or timezone.now()
    if not may_share(session, user):
        raise PermissionDenied("You interviewed in every round of this session: only the candidate can share it.")
    token, hashed = new_token()
    with transaction.atomic():
        share_revoke(session=session, user=user, now=now)
        link = ShareLink.objects.create(
            session=session, created_by=user, token_hash=hashed,
            expires_at=now + timedelta(days=settings.SHARE_LINK_DAYS), include_recordings=include_recordings,
        )
    return link, token


def share_revoke(*, session: InterviewSession, user, now: datetime | None = None) -> int:
    """Stop the user's links to this session; returns how many were active. Revoking twice is no error."""
    now = now or timezone.now()
    return ShareLink.objects.filter(session=session, created_by=user, revoked_at=None).update(revoked_at=now)


def share_find(*, token: str, now: datetime | None = None) -> ShareLink | None:
    """The active link for a token, with its session; None for unknown, malformed, revoked and expired tokens."""
    if not plausible(token):
        return None
    return (
        ShareLink.objects.select_related("session__loop")
        .filter(token_hash=token_hash(token), revoked_at=None, expires_at__gt=now or timezone.now())
        .first()
    )


def share_expired(*, token: str, now: datetime | None = None) -> bool:
    """Whether the token is a link that was not revoked but has run out of time."""
    return plausible(token) and ShareLink.objects.filter(
        token_hash=token_hash(token), revoked_at=None, expires_at__lte=now or timezone.now()
    ).exists()


def share_active(*, session: InterviewSession, user) -> ShareLink | None:
    return ShareLink.objects.filter(
        session=session, created_by=user, revoked_at=None, expires_at__gt=timezone.now()
    ).first()
