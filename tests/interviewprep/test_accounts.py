"""Accounts: sign up, log in and out, change a password, a guest keeping their account, and createsuperuser."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client


@pytest.mark.django_db
def test_signup_creates_an_account_and_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="newbie").exists()
    assert "newbie" in client.get("/").content.decode()


@pytest.mark.django_db
def test_signup_with_bad_input_gets_a_400_and_saves_nothing(client):
    response = client.post("/accounts/signup/", {"username": "x", "password1": "a", "password2": "b"})
    assert response.status_code == 400
    assert "didn’t match" in response.content.decode() or "match" in response.content.decode()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_signup_page_and_wrong_method(client, owner):
    assert client.get("/accounts/signup/").status_code == 200
    assert client.put("/accounts/signup/").status_code == 405
    client.force_login(owner)
    assert client.get("/accounts/signup/").status_code == 302


@pytest.mark.django_db
def test_login_and_logout(client, owner):
    assert client.get("/accounts/login/").status_code == 200
    bad = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert bad.status_code == 400 and "correct username" in bad.content.decode()
    good = client.post("/accounts/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert good.status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert "Log in" in client.get("/").content.decode()


@pytest.mark.django_db
def test_forms_need_csrf(owner):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_createsuperuser_reads_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-pass-42")
    call_command("createsuperuser", "--noinput")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("a-long-admin-pass-42")


@pytest.mark.django_db
def test_the_admin_lists_every_model(admin_client):
    for path in ("questions/question/", "questions/interviewloop/", "questions/stage/", "questions/pack/",
                 "questions/tag/", "questions/hint/", "questions/testcase/", "interview_sessions/submission/"):
        assert admin_client.get(f"/admin/{path}").status_code == 200, path


def test_the_liveness_probe_answers(client):
    response = client.get("/health/live/")
    assert (response.status_code, response.content) == (200, b"ok")
    assert client.post("/health/live/").status_code == 405


@pytest.mark.django_db
def test_a_stale_form_gets_a_clear_403_page(owner):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    response = strict.post("/practice/start/", {"stage": 1})
    assert response.status_code == 403
    assert "This page is out of date" in response.content.decode()


@pytest.fixture
def guest_client(mini_pack, owner):
    """A browser that joined alice's paired session as the guest "Ada"."""
    from questions.models import Stage
    from sessions.paired import services as paired_services

    session = paired_services.paired_session_create(
        interviewer=owner, stage=Stage.objects.get(slug="screen"), questions=[]
    )
    token = paired_services.invite_create(session=session)[1]
    guest_browser = Client()
    assert guest_browser.post(f"/practice/join/{token}/", {"display_name": "Ada"}).status_code == 302
    return guest_browser


def signed_in_user(client):
    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


@pytest.mark.django_db
def test_the_account_page_changes_the_password_and_keeps_the_browser_signed_in(owner_client, owner):
    page = owner_client.get("/accounts/password/")
    assert page.status_code == 200 and "signed in as <strong>alice</strong>" in page.content.decode()
    response = owner_client.post("/accounts/password/", {
        "old_password": "correct-horse-battery",
        "new_password1": "another-long-phrase-77",
        "new_password2": "another-long-phrase-77",
    })
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    owner.refresh_from_db()
    assert owner.check_password("another-long-phrase-77")
    assert "Your password has been changed." in owner_client.get("/accounts/password/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("form, message", [
    ({"old_password": "wrong", "new_password1": "another-long-phrase-77", "new_password2": "another-long-phrase-77"},
     "Your old password was entered incorrectly"),
    ({"old_password": "correct-horse-battery", "new_password1": "another-long-phrase-77", "new_password2": "x"},
     "didn’t match"),
    ({"old_password": "correct-horse-battery", "new_password1": "12345678", "new_password2": "12345678"},
     "too common"),
])
def test_a_rejected_password_change_is_a_400_and_changes_nothing(owner_client, owner, form, message):
    response = owner_client.post("/accounts/password/", form)
    assert response.status_code == 400 and message in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password("correct-horse-battery")


@pytest.mark.django_db
def test_the_account_page_needs_a_login_and_csrf(client, owner):
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post("/accounts/password/", {"old_password": "correct-horse-battery"}).status_code == 403


@pytest.mark.django_db
def test_there_are_no_password_reset_pages_without_email(client):
    # Accounts have no e-mail address; a reset form would promise a mail that can never come.
    assert client.get("/accounts/password_reset/").status_code == 404


@pytest.mark.django_db
def test_a_guest_sees_their_name_and_how_to_keep_the_account(guest_client):
    html = guest_client.get("/").content.decode()
    assert "Ada (guest)" in html and "Keep this account" in html
    assert "guest-" not in html  # the generated username is nobody's business
    assert "Interview someone" not in html  # guests cannot set up sessions
    refused = guest_client.get("/practice/paired/new/")
    assert refused.status_code == 403 and 'href="/accounts/signup/">Keep this account</a>' in refused.content.decode()
    assert guest_client.get("/accounts/password/")["Location"] == "/accounts/signup/"


@pytest.mark.django_db
def test_a_guest_keeps_their_account_with_a_username_and_password(guest_client):
    guest = signed_in_user(guest_client)
    page = guest_client.get("/accounts/signup/")
    assert page.status_code == 200 and "only this browser is signed in as Ada" in page.content.decode()
    response = guest_client.post(
        "/accounts/signup/", {"username": "ada", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}
    )
    assert response.status_code == 302
    assert signed_in_user(guest_client).pk == guest.pk  # still signed in, as the same account
    kept = get_user_model().objects.get(pk=guest.pk)
    assert kept.username == "ada" and kept.check_password("a-long-pass-phrase-42")
    assert kept.partnered_sessions.count() == 1  # the session they joined is still theirs
    home = guest_client.get("/").content.decode()
    assert "Your account is yours to keep" in home and "Interview someone" in home
    assert guest_client.get("/practice/paired/new/").status_code == 200
    assert Client().login(username="ada", password="a-long-pass-phrase-42")


@pytest.mark.django_db
def test_a_guest_choosing_a_taken_username_gets_a_400_and_stays_a_guest(guest_client, owner):
    guest = signed_in_user(guest_client)
    response = guest_client.post(
        "/accounts/signup/", {"username": "alice", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}
    )
    assert response.status_code == 400 and "already exists" in response.content.decode()
    guest.refresh_from_db()
    assert guest.username.startswith("guest-") and not guest.has_usable_password()
    assert hasattr(guest, "guest")
