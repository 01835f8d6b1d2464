"""Share links: creating one (shown once, stored as a hash), who may, revoking, unknown tokens, and what the
shared page and its replay JSON show: only the creator's practice, as the candidate sees it."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sessions.feedback import notes as note_services
from sessions.models import ShareLink
from sessions.paired import services as paired_services
from sessions.review import sharing
from sessions.rounds import services as round_services
from tests.sessions.review.test_review_views import (
    FEEDBACK,
    GIVEN_HINT,
    HIDDEN_HINT,
    MODEL_ANSWER,
    PRIVATE_NOTE,
    fresh,
    play_paired,
    play_solo,
    plant,
    replay_url,
    review_url,
    text_of,
)

HX = {"HX-Request": "true"}
SHARE_LINK = re.compile(r"http://testserver/shared/([A-Za-z0-9_-]+)/")


@pytest.fixture
def start():
    return timezone.now() - timedelta(hours=2)


@pytest.fixture
def solo(owner, mini_pack, start):
    plant(mini_pack)
    return play_solo(owner, start=start)


@pytest.fixture
def released(owner, partner, mini_pack, start):
    """alice interviewed bob and released her scorecard, without her notes."""
    plant(mini_pack)
    return play_paired(owner, partner, start=start, release=True)


@pytest.fixture
def swapped(owner, partner, released):
    """After round 1 the pair swapped: in round 2 bob interviews alice, and writes a private note."""
    second = paired_services.round_swap(round=fresh(released.rounds.get()))
    round_services.round_start(round=fresh(second))
    answer = second.questions.select_related("question", "round__session").order_by("order").first()
    field = "code" if answer.question.kind == "coding" else "answer"
    round_services.answer_save(round_question=answer, values={field: "ALICE-OWN-ANSWER"})
    note_services.note_save(round=fresh(second), author=partner, body="BOB-PRIVATE-NOTE-ON-ALICE")
    return released


@pytest.fixture
def anonymous():
    """A browser with no session (the `client` fixture is the one `owner_client` logs in)."""
    return Client()


def share_url(session, tail=""):
    return f"/practice/sessions/{session.pk}/share/{tail}"


def make_link(client, session) -> str:
    response = client.post(share_url(session))
    assert response.status_code == 200
    return SHARE_LINK.search(response.content.decode()).group(1)


def shared(token, tail=""):
    return f"/shared/{token}/{tail}"


# ---------------------------------------------------------------- creating


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_it_shows_a_new_link_once_and_stores_only_its_hash(owner_client, owner, solo, headers):
    response = owner_client.post(share_url(solo), headers=headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert len(SHARE_LINK.findall(html)) == 1
    token = SHARE_LINK.search(html).group(1)
    link = ShareLink.objects.get()
    assert (link.session, link.created_by, link.revoked_at) == (solo, owner, None)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
    again = owner_client.get(review_url(solo)).content.decode()
    assert token not in again and "is working" in again and "Revoke the share link" in again


@pytest.mark.django_db
def test_a_new_link_replaces_the_old_one(owner_client, anonymous, solo):
    old = make_link(owner_client, solo)
    new = make_link(owner_client, solo)
    assert anonymous.get(shared(old)).status_code == 404
    assert anonymous.get(shared(new)).status_code == 200
    assert ShareLink.objects.filter(revoked_at=None).count() == 1


@pytest.mark.django_db
def test_creating_needs_login_post_csrf_and_a_participant(anonymous, outsider_client, owner, owner_client, solo):
    response = anonymous.post(share_url(solo))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert outsider_client.post(share_url(solo)).status_code == 404
    assert owner_client.get(share_url(solo)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post(share_url(solo)).status_code == 403
    assert not ShareLink.objects.exists()


@pytest.mark.django_db
def test_someone_who_only_interviewed_has_nothing_to_share(owner_client, released):
    response = owner_client.post(share_url(released))
    assert response.status_code == 403
    assert not ShareLink.objects.exists()


# ---------------------------------------------------------------- revoking and unknown tokens


@pytest.mark.django_db
def test_revoking_stops_the_link_and_its_replay_at_once(owner_client, anonymous, solo):
    token = make_link(owner_client, solo)
    stage_round = solo.rounds.get()
    assert anonymous.get(shared(token, f"rounds/{stage_round.pk}/replay/")).status_code == 200
    response = owner_client.post(share_url(solo, "revoke/"))
    assert response.status_code == 302 and response["Location"] == review_url(solo)
    assert "The share link no longer works." in owner_client.get(response["Location"]).content.decode()
    assert anonymous.get(shared(token)).status_code == 404
    assert anonymous.get(shared(token, f"rounds/{stage_round.pk}/replay/")).status_code == 404
    assert ShareLink.objects.get().revoked_at is not None
    assert owner_client.post(share_url(solo, "revoke/")).status_code == 302  # twice is no error


@pytest.mark.django_db
def test_revoking_needs_login_post_and_a_participant(anonymous, outsider_client, owner_client, solo):
    token = make_link(owner_client, solo)
    assert anonymous.post(share_url(solo, "revoke/")).status_code == 302
    assert outsider_client.post(share_url(solo, "revoke/")).status_code == 404
    assert owner_client.get(share_url(solo, "revoke/")).status_code == 405
    assert anonymous.get(shared(token)).status_code == 200  # none of those revoked it


@pytest.mark.django_db
def test_a_participant_revokes_only_their_own_link(owner_client, partner_client, anonymous, swapped):
    bobs = make_link(partner_client, swapped)
    alices = make_link(owner_client, swapped)
    owner_client.post(share_url(swapped, "revoke/"))
    assert anonymous.get(shared(alices)).status_code == 404
    assert anonymous.get(shared(bobs)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["no-such-token-" + "x" * 30, "x" * 500, "a"])
def test_unknown_and_revoked_tokens_get_the_same_page_that_names_nothing(owner_client, anonymous, solo, token):
    revoked = make_link(owner_client, solo)
    owner_client.post(share_url(solo, "revoke/"))
    unknown_page, revoked_page = anonymous.get(shared(token)), anonymous.get(shared(revoked))
    assert unknown_page.status_code == revoked_page.status_code == 404
    assert text_of(unknown_page) == text_of(revoked_page)
    assert solo.title not in text_of(revoked_page)
    assert anonymous.get(shared(token, f"rounds/{solo.rounds.get().pk}/replay/")).status_code == 404


# ---------------------------------------------------------------- what the shared page shows


@pytest.mark.django_db
def test_the_shared_page_is_read_only_and_shows_the_candidates_view(partner_client, anonymous, released):
    token = make_link(partner_client, released)
    response = anonymous.get(shared(token))
    html = text_of(response)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and 'name="robots" content="noindex"' in html
    assert GIVEN_HINT in html and "verdict-WA" in html and FEEDBACK in html
    for secret in (MODEL_ANSWER, HIDDEN_HINT, PRIVATE_NOTE):
        assert secret not in html
    assert "<form" not in html.split('<main id="main"')[1]  # nothing to change, no share controls
    assert f'data-replay-url="/shared/{token}/rounds/{released.rounds.get().pk}/replay/"' in html
    assert anonymous.post(shared(token)).status_code == 405


@pytest.mark.django_db
def test_the_shared_replay_holds_no_private_note_or_answer(partner_client, anonymous, released):
    token = make_link(partner_client, released)
    response = anonymous.get(shared(token, f"rounds/{released.rounds.get().pk}/replay/"))
    body = response.content.decode()
    assert response.status_code == 200
    kinds = [e["kind"] for e in response.json()["entries"]]
    assert "snapshot" in kinds and "run" in kinds and "release" in kinds and "note" not in kinds
    assert GIVEN_HINT in body
    for secret in (MODEL_ANSWER, HIDDEN_HINT, PRIVATE_NOTE):
        assert secret not in body


@pytest.mark.django_db
def test_notes_released_with_the_scorecard_are_shared_too(owner, partner, partner_client, anonymous, mini_pack, start):
    plant(mini_pack)
    session = play_paired(owner, partner, start=start, release=True, share_notes=True)
    token = make_link(partner_client, session)
    assert PRIVATE_NOTE in anonymous.get(shared(token)).content.decode()
    data = anonymous.get(shared(token, f"rounds/{session.rounds.get().pk}/replay/")).json()
    assert [e["kind"] for e in data["entries"]].count("note") == 1


@pytest.mark.django_db
def test_a_link_shows_only_the_rounds_its_creator_answered(partner_client, owner_client, anonymous, swapped):
    first, second = swapped.rounds.order_by("order")
    bobs = make_link(partner_client, swapped)
    html = anonymous.get(shared(bobs)).content.decode()
    assert f'id="round-{first.pk}"' in html and f'id="round-{second.pk}"' not in html
    assert "ALICE-OWN-ANSWER" not in html and "BOB-PRIVATE-NOTE-ON-ALICE" not in html
    assert anonymous.get(shared(bobs, f"rounds/{second.pk}/replay/")).status_code == 404
    assert anonymous.get(shared(bobs, f"rounds/{first.pk}/replay/")).status_code == 200
    # alice answered round 2: her link shows it, as she sees it (bob's notes are not released).
    alices = make_link(owner_client, swapped)
    html = anonymous.get(shared(alices)).content.decode()
    assert f'id="round-{second.pk}"' in html and f'id="round-{first.pk}"' not in html
    assert "ALICE-OWN-ANSWER" in html and "BOB-PRIVATE-NOTE-ON-ALICE" not in html
    body = anonymous.get(shared(alices, f"rounds/{second.pk}/replay/")).content.decode()
    assert "ALICE-OWN-ANSWER" in body and "BOB-PRIVATE-NOTE" not in body


@pytest.mark.django_db
def test_a_shared_replay_serves_no_round_of_another_session(owner, owner_client, anonymous, solo, start):
    token = make_link(owner_client, solo)
    other = play_solo(owner, start=start)
    assert anonymous.get(shared(token, f"rounds/{other.rounds.get().pk}/replay/")).status_code == 404
    assert anonymous.get(shared(token, "rounds/999999/replay/")).status_code == 404


@pytest.mark.django_db
def test_a_shared_solo_round_shows_the_work_but_not_the_owners_notes_or_the_answers(owner_client, anonymous, solo):
    token = make_link(owner_client, solo)
    html = anonymous.get(shared(token)).content.decode()
    assert GIVEN_HINT in html and "Submit" in html
    assert "MY-OWN-NOTE" not in html and MODEL_ANSWER not in html and HIDDEN_HINT not in html
    body = anonymous.get(shared(token, f"rounds/{solo.rounds.get().pk}/replay/")).content.decode()
    assert "MY-OWN-NOTE" not in body and MODEL_ANSWER not in body


@pytest.mark.django_db
def test_the_link_is_not_a_login(owner_client, anonymous, solo):
    token = make_link(owner_client, solo)
    anonymous.get(shared(token))
    assert anonymous.get(review_url(solo)).status_code == 302
    assert anonymous.get(replay_url(solo.rounds.get())).status_code == 302


# ---------------------------------------------------------------- the service


@pytest.mark.django_db
def test_the_service_finds_only_active_links(owner, solo):
    link, token = sharing.share_create(session=solo, user=owner)
    assert sharing.share_find(token=token) == link
    assert sharing.share_find(token="") is None and sharing.share_find(token=token + "x") is None
    assert sharing.share_revoke(session=solo, user=owner) == 1
    assert sharing.share_find(token=token) is None
    assert sharing.share_revoke(session=solo, user=owner) == 0

