"""The live poll before the round has a question on screen: a 204, never a 500 (for either role, any `f`)."""

import pytest

from sessions.rounds.selectors import live_state
from tests.sessions.paired.test_paired_views import HX, joined, round_url, screen, token, waiting  # noqa: F401


@pytest.mark.django_db
@pytest.mark.parametrize("shown", ["", "0.0", "9.9", "abc"])
def test_it_answers_204_before_the_round_has_a_current_question(owner_client, partner_client, joined, shown):  # noqa: F811
    stage_round = joined.rounds.get()
    assert stage_round.current_id is None
    query = f"v=-1&p=round&s={live_state(stage_round)}" + (f"&f={shown}" if shown else "")
    for client in (owner_client, partner_client):
        response = client.get(round_url(stage_round, f"live/?{query}"), headers=HX)
        assert response.status_code == 204
        assert "round-clock" in response["HX-Trigger"]


@pytest.mark.django_db
def test_it_still_refuses_an_outsider(outsider_client, joined):  # noqa: F811
    stage_round = joined.rounds.get()
    response = outsider_client.get(round_url(stage_round, f"live/?p=round&s={live_state(stage_round)}"), headers=HX)
    assert response.status_code == 404
