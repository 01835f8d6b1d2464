"""The paired summary's live poll: the live region swapped in place when something changed, 204 when nothing
did, 286 (htmx stops polling) once the released scorecard and the candidate's feedback make it final."""

import pytest

from sessions.feedback import notes as note_services
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from tests.sessions.paired.test_paired_views import (  # noqa: F401
    HX, _release, fresh_query, joined, live_round, round_url, screen, token, waiting,
)

FEEDBACK = {"clarity": "4", "pacing": "2", "realism": "3"}


def poll(client, stage_round, query):
    return client.get(round_url(stage_round, f"live/?{query}"), headers=HX)


@pytest.fixture
def ended(live_round):  # noqa: F811
    round_services.round_end(round=live_round)
    return live_round


@pytest.mark.django_db
def test_the_summary_polls_and_nothing_changed_is_a_204(owner_client, partner_client, ended):
    page = partner_client.get(round_url(ended, "summary/")).content.decode()
    assert 'id="live" hx-get=' in page and 'hx-trigger="live-changed from:body"' in page
    assert f'data-live-round="{ended.pk}" data-live-poll-ms="2000"' in page  # the socket, or polling every 2 s
    query = fresh_query(ended, "summary")
    for client in (owner_client, partner_client):
        response = poll(client, ended, query)
        assert response.status_code == 204 and "HX-Redirect" not in response


@pytest.mark.django_db
def test_released_feedback_is_swapped_in_not_redirected_to(partner_client, owner, ended):
    query = fresh_query(ended, "summary")
    _release(ended, owner)
    response = poll(partner_client, ended, query)
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert html.lstrip().startswith('<div id="live" hx-get=')
    assert fresh_query(ended, "summary").replace("&", "&amp;") in html  # polls on from the new version
    assert "Great structure; test earlier." in html and "has not released feedback yet" not in html
    assert "frac{P(B" not in html  # the candidate's fragment is still the candidate's
    assert "Self-assessment" not in html and "Your feedback for the interviewer" not in html  # forms stay put


@pytest.mark.django_db
def test_the_candidates_feedback_reaches_the_waiting_interviewer_before_the_release(owner_client, partner, ended):
    query = fresh_query(ended, "summary")
    note_services.interviewer_feedback_send(round=ended, author=partner, ratings=FEEDBACK, comments="Hint *sooner*.")
    response = poll(owner_client, ended, query)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="live" hx-get=')
    assert "<em>sooner</em>" in html
    assert "Not yet released" in html and "Self-assessment" not in html  # the self-assessment form stays put


@pytest.mark.django_db
def test_once_final_the_poll_answers_286_and_the_page_stops_polling(owner_client, partner_client, owner, partner,
                                                                    ended):
    query = fresh_query(ended, "summary")
    _release(ended, owner)
    note_services.interviewer_feedback_send(round=ended, author=partner, ratings=FEEDBACK, comments="Hint *sooner*.")
    for client in (owner_client, partner_client):
        response = poll(client, ended, query)
        html = response.content.decode()
        assert response.status_code == 286
        assert html.lstrip().startswith('<div id="live">') and "hx-get" not in html  # the final region
        assert "Great structure; test earlier." in html or client is owner_client
        # The waiting interviewer's region brings the candidate's feedback; the candidate's holds no form.
        assert ("<em>sooner</em>" in html) is (client is owner_client)
        assert 'id="live" hx-get=' not in client.get(round_url(ended, "summary/")).content.decode()
    # Even a poll from a page that already shows all of it stops.
    assert poll(partner_client, ended, fresh_query(ended, "summary")).status_code == 286


@pytest.mark.django_db
def test_after_a_swap_the_summary_poll_drops_the_swap_button(partner_client, ended):
    query = fresh_query(ended, "summary")
    assert "Swap roles for another round" in partner_client.get(round_url(ended, "summary/")).content.decode()
    paired_services.round_swap(round=ended)
    response = poll(partner_client, ended, query)
    assert response.status_code == 200 and "Swap roles for another round" not in response.content.decode()


@pytest.mark.django_db
def test_an_outsider_gets_no_summary_fragment(outsider_client, ended):
    assert poll(outsider_client, ended, fresh_query(ended, "summary")).status_code == 404
