"""At a phone's width (390 px) no page is wider than the screen: wide tables and code scroll inside
themselves, long select options and titles wrap or shrink. Checked on the default pack, whose titles and
rubrics are long, with a finished solo round (a run in its table) and a running paired round."""

import pytest

from questions.models import Question, Stage
from questions.services import pack_load
from sessions.models import Submission
from sessions.paired import services as paired_services
from sessions.rounds import services as round_services
from tests.conftest import DEFAULT_PACK

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def pages(owner, partner):
    pack_load(path=DEFAULT_PACK, verify_reference=False)
    grid = Question.objects.get(slug="grid-shortest-path-wall-removal")
    solo = round_services.session_start(owner=owner, question=grid).rounds.get()
    rq = solo.questions.get()
    round_services.answer_save(round_question=rq, values={"code": "print('a fairly long line of code ' * 4)"})
    Submission.objects.create(
        user=owner, round_question=rq, question=grid, kind=Submission.Kind.SUBMIT, language="python",
        source=rq.code, status=Submission.Status.DONE, verdict="WA", message="WA on test 2; passed 1/4",
        results={"passed": 1, "total": 4, "tests": []}, time_ms=31,
    )
    round_services.round_end(round=solo)
    coding = Stage.objects.get(loop__slug="official", slug="coding")
    session = paired_services.paired_session_create(interviewer=owner, stage=coding, questions=[grid])
    paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=partner)
    live = round_services.round_start(round=session.rounds.get())
    return {
        "owner": ["/", "/questions/", "/practice/history/", "/practice/progress/", f"/practice/rounds/{solo.pk}/summary/",
                  f"/practice/sessions/{solo.session_id}/review/", f"/practice/rounds/{live.pk}/"],
        "partner": [f"/practice/rounds/{live.pk}/"],
    }


def test_no_page_is_wider_than_a_phone(browser, live_server, owner, partner, pages):
    from django.test import Client

    too_wide = {}
    for who, user in (("owner", owner), ("partner", partner)):
        client = Client()
        client.force_login(user)
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        for path in pages[who]:
            page.goto(path)
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[f"{who} {path}"] = width
        context.close()
    assert too_wide == {}
