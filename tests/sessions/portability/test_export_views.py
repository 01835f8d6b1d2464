"""The export views: Markdown download, print page, JSON export and import, for each kind of visitor."""

import json
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sessions.portability.json_export import user_data
from sessions.portability.markdown import session_markdown
from sessions.models import InterviewSession, Round
from sessions.views.exports import MAX_IMPORT_BYTES
from tests.sessions.portability.test_exports import (
    CANDIDATE_FEEDBACK_MARKER,
    FEEDBACK_MARKER,
    NOTE_MARKER,
    build_paired,
    build_solo,
    interviewer_only_texts,
)

HX = {"HX-Request": "true"}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def md_url(session) -> str:
    return f"/practice/sessions/{session.pk}/export.md"


def print_url(session) -> str:
    return f"/practice/sessions/{session.pk}/print/"


def upload(data, name="export.json") -> dict:
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return {"file": SimpleUploadedFile(name, content, content_type="application/json")}


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------- the Markdown download


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_it_downloads_a_solo_session_as_markdown(owner, mini_pack, headers):
    session = build_solo(owner)
    response = client_for(owner).get(md_url(session), headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="alpha-loop-coding-screen-2026-03-02.md"'
    assert response.content.decode() == session_markdown(session, owner)


@pytest.mark.django_db
def test_each_participant_downloads_what_they_may_see(owner, partner, mini_pack):
    session = build_paired(owner, partner, share_notes=True)
    as_interviewer = client_for(owner).get(md_url(session)).content.decode()
    as_candidate = client_for(partner).get(md_url(session)).content.decode()
    assert NOTE_MARKER in as_interviewer and FEEDBACK_MARKER in as_interviewer
    for secret in [NOTE_MARKER, FEEDBACK_MARKER, *interviewer_only_texts()]:
        assert secret not in as_candidate, secret
    assert as_candidate == session_markdown(session, partner)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [md_url, print_url], ids=["markdown", "print"])
def test_outsiders_get_404_and_visitors_the_login_page(owner, outsider, mini_pack, url):
    session = build_solo(owner)
    assert client_for(outsider).get(url(session)).status_code == 404
    assert client_for(outsider).get(url(session), headers=HX).status_code == 404
    assert is_login_redirect(client_for(None).get(url(session)))
    assert client_for(owner).get(url(InterviewSession(pk=session.pk + 100))).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", [md_url, print_url], ids=["markdown", "print"])
def test_the_session_exports_are_read_only(owner, mini_pack, url):
    session = build_solo(owner)
    for method in ("post", "put", "delete"):
        assert getattr(client_for(owner), method)(url(session)).status_code == 405, method


# ---------------------------------------------------------------- the print page


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX], ids=["full page", "htmx"])
def test_the_print_page_is_the_session_ready_for_paper(owner, mini_pack, headers):
    session = build_solo(owner)
    response = client_for(owner).get(print_url(session), headers=headers)
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert re.search(r'<link rel="stylesheet" href="/static/css/print\.css" media="print">', html)
    assert "Print / save as PDF" in html
    assert '<div class="highlight"><pre>' in html  # the code, highlighted by the one renderer
    assert "Sum two numbers" in html and "Forgot negative numbers" in html and "Model answer" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script (CSP)
    assert not re.search(r"<[^>]+\son[a-z]+=", html)  # no inline event handlers either


@pytest.mark.django_db
def test_the_print_page_shows_a_candidate_only_what_they_may_see(owner, partner, mini_pack):
    session = build_paired(owner, partner, share_notes=True)
    html = client_for(partner).get(print_url(session)).content.decode()
    assert "Sum two numbers" in html and "Split the line." in html
    for secret in [NOTE_MARKER, FEEDBACK_MARKER, "Names the prior", "Read, add, print", "Convert with"]:
        assert secret not in html, secret
    html = client_for(owner).get(print_url(session)).content.decode()
    assert NOTE_MARKER in html and "draft, not released" in html and "Convert with" in html


@pytest.mark.django_db
def test_the_print_page_carries_the_candidates_feedback_on_the_interview_for_both(owner, partner, mini_pack):
    session = build_paired(owner, partner, candidate_feedback=True)
    for viewer, heading in ((owner, "The candidate's feedback on the interview"),
                            (partner, "Your feedback for the interviewer")):
        html = client_for(viewer).get(print_url(session)).content.decode()
        assert f"{heading} (sent" in html
        assert f"{CANDIDATE_FEEDBACK_MARKER}: the second hint came too late." in html
        assert "<td>2 · A little</td>" in html


@pytest.mark.django_db
def test_the_session_page_links_to_both_exports(owner, mini_pack):
    session = build_solo(owner)
    html = client_for(owner).get(f"/practice/sessions/{session.pk}/").content.decode()
    assert f'href="{md_url(session)}"' in html and f'href="{print_url(session)}"' in html


# ---------------------------------------------------------------- the JSON export


@pytest.mark.django_db
def test_it_downloads_all_of_a_users_data(owner, partner, mini_pack):
    build_solo(owner)
    build_paired(owner, partner, release=True)
    response = client_for(partner).get("/practice/export.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="interviewprep-bob-{day}.json"'
    data = json.loads(response.content)
    assert (data["format"], data["version"], len(data["sessions"])) == ("interviewprep-export", 3, 1)
    expected = user_data(partner)
    assert [s["title"] for s in data["sessions"]] == [s["title"] for s in expected["sessions"]]


@pytest.mark.django_db
def test_the_json_export_needs_a_login_and_a_get(owner, outsider, mini_pack):
    build_solo(owner)
    assert is_login_redirect(client_for(None).get("/practice/export.json"))
    assert client_for(owner).post("/practice/export.json").status_code == 405
    assert json.loads(client_for(outsider).get("/practice/export.json").content)["sessions"] == []


# ---------------------------------------------------------------- the import


@pytest.fixture
def export_file(owner, partner, mini_pack):
    """alice's export, made before her sessions were lost; the database now holds none."""
    build_solo(owner)
    build_paired(owner, partner, release=True)
    data = json.loads(client_for(owner).get("/practice/export.json").content)
    InterviewSession.objects.all().delete()
    return data


@pytest.mark.django_db
def test_the_import_page_has_an_upload_form(owner):
    response = client_for(owner).get("/practice/import/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html and 'name="csrfmiddlewaretoken"' in html
    assert 'type="file" name="file"' in html and 'href="/practice/export.json"' in html


@pytest.mark.django_db
def test_importing_a_file_brings_the_sessions_back_and_goes_to_the_history(owner, export_file):
    response = client_for(owner).post("/practice/import/", upload(export_file))
    assert response.status_code == 302 and response["Location"] == "/practice/history/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Imported 2 sessions."]
    assert InterviewSession.objects.filter(owner=owner).count() == 2
    assert Round.objects.get(session__mode="paired").candidate is None

    again = client_for(owner).post("/practice/import/", upload(export_file))
    assert [str(m) for m in get_messages(again.wsgi_request)] == [
        "Imported 0 sessions. 2 were already here and left as they are."
    ]
    assert InterviewSession.objects.count() == 2


@pytest.mark.django_db
def test_a_candidate_is_told_which_notes_could_not_be_kept(owner, partner, mini_pack):
    build_paired(owner, partner, release=True, share_notes=True)
    data = json.loads(client_for(partner).get("/practice/export.json").content)
    InterviewSession.objects.all().delete()
    response = client_for(partner).post("/practice/import/", upload(data))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Imported 1 session. 1 note by your interviewers could not be kept, because they are not on this instance."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("data, words", [
    (b"{not json", "The file is not valid JSON (line 1, column 2)."),
    ("caf\u00e9".encode("latin-1"), "The file is not UTF-8 text"),
    (b"[]", "This is not an InterviewPrep export: expected a JSON object."),
    (json.dumps({"format": "interviewprep-export", "version": 9}).encode(), "this instance reads versions 1, 2 and 3"),
    (b"", "The submitted file is empty."),
    (b'{"version": ' + b"9" * 5000 + b"}", "a number too long to read"),
    (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
])
def test_a_bad_file_is_a_400_with_the_reason_and_saves_nothing(owner, mini_pack, data, words):
    response = client_for(owner).post("/practice/import/", upload(data))
    html = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in html
    assert words in html.replace("&#x27;", "'")
    assert "Nothing was imported." in html
    assert not InterviewSession.objects.exists()


@pytest.mark.django_db
def test_a_document_with_errors_lists_them(owner, export_file):
    export_file["sessions"][0]["title"] = 5
    export_file["sessions"][1]["rounds"][0]["questions"][0]["question"]["slug"] = "gone"
    response = client_for(owner).post("/practice/import/", upload(export_file))
    html = response.content.decode()
    assert response.status_code == 400
    assert "(mini/gone) is not on this instance" in html and "sessions[0].title: expected text." in html
    assert not InterviewSession.objects.exists()


@pytest.mark.django_db
def test_a_long_error_list_is_cut_short(owner, export_file):
    export_file["sessions"] = [{"mode": "x"}] * 80
    html = client_for(owner).post("/practice/import/", upload(export_file)).content.decode()
    assert html.count("<li>sessions[") == 50 and "… and 51 more." in html


@pytest.mark.django_db
def test_no_file_and_an_oversize_file_are_refused(owner, mini_pack):
    response = client_for(owner).post("/practice/import/", {})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    big = b" " * (MAX_IMPORT_BYTES + 1)
    response = client_for(owner).post("/practice/import/", upload(big))
    assert response.status_code == 400 and "over the 10 MB limit" in response.content.decode()
    assert not InterviewSession.objects.exists()


@pytest.mark.django_db
def test_the_import_needs_a_login_csrf_and_get_or_post(owner, export_file):
    assert is_login_redirect(client_for(None).get("/practice/import/"))
    assert is_login_redirect(client_for(None).post("/practice/import/", upload(export_file)))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post("/practice/import/", upload(export_file)).status_code == 403
    assert client_for(owner).put("/practice/import/").status_code == 405
    assert not InterviewSession.objects.exists()
