"""Hidden tests' time and memory reach a candidate only as a rounded aggregate: stored, shown, exported, imported."""

import importlib

import pytest
from django.apps import apps

from questions.models import Question, TestCase
from sessions.portability.json_export import user_data
from sessions.models import Submission
from sessions.runs.submissions import submission_execute
from sessions.portability.importer import user_data_import
from tests.sessions.rounds.test_round_views import coding_round  # noqa: F401 (fixture)

# Burns CPU in proportion to its input on the hidden test only: exactly the program that used to
# read a hidden input back from the per-test time.
INPUT_TIMER = (
    "a, b = map(int, input().split())\n"
    "if a < 0:\n"
    "    n = 0\n"
    "    for _ in range(200_000 * (b % 7 + 1)):\n"
    "        n += 1\n"
    "print(a + b)\n"
)
# Rows as the worker stored them before: hidden tests kept their own time and memory, and the
# run's time_ms was the peak over every test.
OLD_RESULTS = {
    "passed": 2, "total": 3, "first_failure": None,
    "tests": [{"index": 0, "hidden": False, "verdict": "AC", "time_ms": 20, "memory_kb": 9000},
              {"index": 1, "hidden": True, "verdict": "AC", "time_ms": 777, "memory_kb": 41000},
              {"index": 2, "hidden": True, "verdict": "WA", "time_ms": 5, "memory_kb": 100}],
}


def assert_no_hidden_usage(results: dict) -> None:
    hidden = [t for t in results["tests"] if t["hidden"]]
    assert hidden and all(set(t) == {"index", "hidden", "verdict"} for t in hidden)


@pytest.mark.django_db
def test_it_stores_hidden_usage_only_rounded_and_the_run_time_from_visible_tests(owner, mini_pack):
    question = Question.objects.get(slug="sum-two")
    assert TestCase.objects.filter(question=question, hidden=True, input__startswith="-").exists()
    submission = Submission.objects.create(user=owner, question=question, kind="submit", language="python",
                                           source=INPUT_TIMER)
    done = submission_execute(submission_id=submission.pk)
    assert done.verdict == "AC", done.message
    assert_no_hidden_usage(done.results)
    usage = done.results["hidden_usage"]
    assert usage["tests"] == 1 and usage["time_ms"] % 100 == 0 and usage["memory_kb"] % 8192 == 0
    visible = [t for t in done.results["tests"] if not t["hidden"]]
    assert done.time_ms == max(t["time_ms"] for t in visible)
    assert done.memory_kb == max(t["memory_kb"] for t in visible)


@pytest.mark.django_db
def test_the_result_fragment_shows_only_the_aggregate(owner_client, owner, coding_round):  # noqa: F811
    rq = coding_round.questions.get()
    submission = Submission.objects.create(
        user=owner, round_question=rq, question=rq.question, kind="submit", language="python", source="x",
        status="done", verdict="AC", time_ms=20, memory_kb=9000, results={
            "passed": 2, "total": 2, "first_failure": None,
            "tests": [{"index": 0, "hidden": False, "verdict": "AC", "time_ms": 20, "memory_kb": 9000},
                      {"index": 1, "hidden": True, "verdict": "AC"}],
            "hidden_usage": {"tests": 1, "time_ms": 800, "memory_kb": 16384},
        })
    html = owner_client.get(f"/practice/runs/{submission.pk}/").content.decode()
    hidden_panel = html[html.index('id="test-panel-1"'):]
    assert "Test 2 (hidden): <span class=\"verdict-word\">Passed</span>" in html
    assert " ms" not in hidden_panel[:hidden_panel.index("</div>")]  # no per-test time on its tab
    assert "Hidden tests together: 800 ms CPU, peak 16384 KB" in html


@pytest.mark.django_db
def test_the_migration_redacts_runs_stored_before(owner):
    submission = Submission.objects.create(user=owner, language="python", source="x", status="done",
                                           verdict="WA", time_ms=777, memory_kb=41000, results=OLD_RESULTS)
    untouched = Submission.objects.create(user=owner, language="python", source="y", status="done", verdict="OK",
                                          time_ms=9, results={})
    migration = importlib.import_module("sessions.migrations.0009_hidden_test_usage")
    migration.redact(apps, None)
    submission.refresh_from_db()
    assert_no_hidden_usage(submission.results)
    assert submission.results["hidden_usage"] == {"tests": 2, "time_ms": 800, "memory_kb": 6 * 8192}
    assert (submission.time_ms, submission.memory_kb) == (20, 9000)
    assert submission.results["tests"][0] == OLD_RESULTS["tests"][0]
    untouched.refresh_from_db()
    assert (untouched.results, untouched.time_ms) == ({}, 9)


@pytest.mark.django_db
def test_an_old_export_is_redacted_on_import(owner, mini_pack):
    from tests.sessions.portability.test_exports import build_solo

    build_solo(owner)
    document = user_data(owner)
    runs = [s for rq in document["sessions"][0]["rounds"][0]["questions"] for s in rq["submissions"]]
    runs[-1].update(results=OLD_RESULTS, time_ms=777, memory_kb=41000)
    Submission.objects.all().delete()
    document["sessions"][0]["id"] = 0
    for card in document["review_cards"]:  # the cards' reviews name the session by its id in the document
        for review in card["reviews"]:
            if review["at"]:
                review["at"]["session"] = 0
    from sessions.models import InterviewSession

    InterviewSession.objects.all().delete()
    user_data_import(user=owner, data=document)
    imported = Submission.objects.get(time_ms=20, memory_kb=9000, results__total=3)
    assert_no_hidden_usage(imported.results)
    assert imported.results["hidden_usage"]["time_ms"] == 800
