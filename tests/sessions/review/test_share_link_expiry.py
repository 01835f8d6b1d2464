"""Share links expire SHARE_LINK_DAYS after they are made, and the page that shows a new one is never cached."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import ShareLink
from sessions.review import sharing
from tests.sessions.review.test_review_views import review_url
from tests.sessions.review.test_share_links import anonymous, make_link, share_url, shared, solo, start  # noqa: F401


def age(days: float) -> None:
    """Move every link's creation and expiry back in time, as if made `days` ago."""
    for link in ShareLink.objects.all():
        ShareLink.objects.filter(pk=link.pk).update(
            created_at=link.created_at - timedelta(days=days), expires_at=link.expires_at - timedelta(days=days)
        )


@pytest.mark.django_db
def test_it_gives_a_new_link_thirty_days_by_default(owner_client, solo):
    before = timezone.now()
    make_link(owner_client, solo)
    link = ShareLink.objects.get()
    assert before + timedelta(days=30) <= link.expires_at <= timezone.now() + timedelta(days=30)


@pytest.mark.django_db
def test_it_reads_the_lifetime_from_share_link_days(owner_client, solo, settings):
    settings.SHARE_LINK_DAYS = 2
    make_link(owner_client, solo)
    link = ShareLink.objects.get()
    assert link.expires_at - link.created_at == pytest.approx(timedelta(days=2), abs=timedelta(seconds=5))


@pytest.mark.django_db
def test_an_expired_link_gives_a_410_page_that_says_so(owner_client, anonymous, solo):  # noqa: F811
    token = make_link(owner_client, solo)
    stage_round = solo.rounds.get()
    age(29)
    assert anonymous.get(shared(token)).status_code == 200
    age(1.01)
    response = anonymous.get(shared(token))
    assert response.status_code == 410
    assert "This share link has expired" in response.content.decode()
    assert anonymous.get(shared(token, f"rounds/{stage_round.pk}/replay/")).status_code == 404
    # The owner's review page no longer calls it working.
    assert "is working" not in owner_client.get(review_url(solo)).content.decode()


@pytest.mark.django_db
def test_an_expired_and_revoked_link_looks_unknown(owner_client, anonymous, solo):  # noqa: F811
    token = make_link(owner_client, solo)
    owner_client.post(share_url(solo, "revoke/"))
    age(31)
    assert anonymous.get(shared(token)).status_code == 404


@pytest.mark.django_db
def test_the_service_finds_no_expired_link(owner, solo):
    link, token = sharing.share_create(session=solo, user=owner)
    assert sharing.share_find(token=token, now=link.expires_at - timedelta(seconds=1)) == link
    assert sharing.share_find(token=token, now=link.expires_at) is None
    assert sharing.share_expired(token=token, now=link.expires_at)
    assert not sharing.share_expired(token="nonsense")


@pytest.mark.django_db
def test_the_response_with_a_new_link_is_never_stored(owner_client, solo):
    response = owner_client.post(share_url(solo))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "It works until" in response.content.decode()
