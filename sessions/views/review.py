"""Looking back at a session: the review page, the replay JSON, share links and the shared (mentor's) page.

Participants reach a session and its rounds through `sessions.access` (outsiders get 404); what
each round shows follows `round_visibility` for the viewer's role in it. A share link is a
token for one session's practice of the person who made it, shown as the candidate sees it; an
unknown and a revoked token get the same 404 page, which names nothing; an expired one gets a
410 page that says so. The response that shows a new token is never stored by a cache.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sessions.access import Role, get_round_for_user, get_session_for_user
from sessions.calls.playback import HeardRecordings
from sessions.models import Round
from sessions.review import sharing
from sessions.review.page import round_replay as round_replay_data
from sessions.review.page import session_review as session_review_data

SHARE_INVALID = "404.html"  # the same page as any unknown address: it names nothing
SHARE_EXPIRED = "sessions/share_expired.html"


def _review_page(request, session, **extra):
    context = {
        **session_review_data(session, user=request.user),
        "may_share": sharing.may_share(session, request.user),
        "active_share": sharing.share_active(session=session, user=request.user),
        **extra,
    }
    return render(request, "sessions/review.html", context)


@login_required
@require_GET
def session_review(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    return _review_page(request, session)


@login_required
@require_GET
def round_replay(request, round_id: int):
    """The whole timeline of one round in one response, as the viewer's role may see it."""
    stage_round = get_round_for_user(request.user, round_id)
    return JsonResponse(round_replay_data(stage_round, stage_round.role, user=request.user))


@never_cache  # the page carries the token: no browser or proxy may keep a copy
@login_required
@require_POST
def share_create(request, session_id: int):
    """A new read-only link for a mentor; the token is shown in this response only."""
    session = get_session_for_user(request.user, session_id)
    link, token = sharing.share_create(session=session, user=request.user,  # PermissionDenied -> 403
                                       include_recordings=request.POST.get("include_recordings") == "on")
    share_url = request.build_absolute_uri(reverse("shared_review", args=[token]))
    return _review_page(request, session, share_url=share_url, share_expires=link.expires_at)


@login_required
@require_POST
def share_revoke(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    revoked = sharing.share_revoke(session=session, user=request.user)
    messages.success(request, "The share link no longer works." if revoked else "There was no share link to revoke.")
    return redirect("session_review", session_id=session.pk)


@never_cache
@require_GET
def shared_review(request, token: str):
    """The mentor's read-only page: no login, the candidate's view of every round it shows."""
    link = sharing.share_find(token=token)
    if link is None:
        if sharing.share_expired(token=token):
            return render(request, SHARE_EXPIRED, {"days": settings.SHARE_LINK_DAYS}, status=410)
        return render(request, SHARE_INVALID, status=404)
    context = session_review_data(link.session, shared_by=link.created_by_id, hear=HeardRecordings.for_link(link, token))
    return render(request, "sessions/shared_review.html", {**context, "token": token})


@never_cache
@require_GET
def shared_replay(request, token: str, round_id: int):
    """The replay through a share link: only rounds that link shows, as the candidate sees them."""
    link = sharing.share_find(token=token)
    if link is None:
        raise Http404("No such link.")
    stage_round = (
        Round.objects.select_related("session", "scorecard")
        .filter(session=link.session, pk=round_id, **sharing.shared_rounds_filter(link.session, link.created_by_id))
        .first()
    )
    if stage_round is None:
        raise Http404("No such round.")
    return JsonResponse(round_replay_data(stage_round, Role.CANDIDATE, hear=HeardRecordings.for_link(link, token)))
