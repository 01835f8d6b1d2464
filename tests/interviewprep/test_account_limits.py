"""Throttled accounts over HTTP: failed log-ins per username and per address, the password page, sign-ups."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client

from interviewprep.throttle import _key

RIGHT = {"username": "alice", "password": "correct-horse-battery"}
WRONG = {"username": "alice", "password": "guess"}


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def expire(kind: str, subject: str) -> None:
    """Move a window's end into the past, as if its minutes had gone by."""
    key = _key(kind, subject)
    count, _ = caches["throttle"].get(key)
    caches["throttle"].set(key, (count, time.time() - 1))


@pytest.mark.django_db
def test_it_refuses_even_the_right_password_after_five_failures(client, owner):
    for _ in range(5):
        assert client.post("/accounts/login/", WRONG).status_code == 400
    response = client.post("/accounts/login/", RIGHT)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed log-ins" in html and "even one with the right" in html
    assert 1 <= int(response["Retry-After"]) <= 900
    assert not logged_in(client)


@pytest.mark.django_db
def test_it_lets_the_username_in_again_once_the_window_has_passed(client, owner):
    for _ in range(5):
        client.post("/accounts/login/", WRONG)
    assert client.post("/accounts/login/", RIGHT).status_code == 429
    expire("login-username", "alice")
    expire("login-address", "127.0.0.1")
    assert client.post("/accounts/login/", RIGHT).status_code == 302 and logged_in(client)


@pytest.mark.django_db
def test_a_success_starts_the_usernames_count_again(client, owner):
    for _ in range(4):
        client.post("/accounts/login/", WRONG)
    assert client.post("/accounts/login/", RIGHT).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert client.post("/accounts/login/", WRONG).status_code == 400
    assert client.post("/accounts/login/", RIGHT).status_code == 302


@pytest.mark.django_db
def test_the_username_counts_whatever_its_case_and_from_any_address(owner):
    for n, name in enumerate(["ALICE", "Alice", " alice", "alicE", "alice"]):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post("/accounts/login/", {"username": name, "password": "guess"})
    response = Client(REMOTE_ADDR="203.0.113.99").post("/accounts/login/", RIGHT)
    assert response.status_code == 429


@pytest.mark.django_db
def test_failures_per_address_stop_guesses_spread_over_usernames(owner, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    guesser = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.1")
    for name in ("bob", "carol", "dave"):
        assert guesser.post("/accounts/login/", {"username": name, "password": "guess"}).status_code == 400
    assert guesser.post("/accounts/login/", RIGHT).status_code == 429
    # A forged X-Forwarded-For changes nothing: it is not trusted without TRUSTED_PROXY_COUNT.
    forged = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert forged.post("/accounts/login/", RIGHT).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.8").post("/accounts/login/", RIGHT).status_code == 302


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_counts_on_its_own(owner, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 2
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    guesser = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.1")
    for name in ("bob", "carol"):
        guesser.post("/accounts/login/", {"username": name, "password": "guess"})
    assert guesser.post("/accounts/login/", RIGHT).status_code == 429
    other = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert other.post("/accounts/login/", RIGHT).status_code == 302


@pytest.mark.django_db
def test_wrong_current_passwords_throttle_the_password_page(owner_client, owner):
    change = {"new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"}
    for _ in range(5):
        assert owner_client.post("/accounts/password/", {"old_password": "guess", **change}).status_code == 400
    response = owner_client.post("/accounts/password/", {"old_password": "correct-horse-battery", **change})
    assert response.status_code == 429 and "Too many wrong current passwords" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password("correct-horse-battery")
    # The same count guards the log-in page.
    assert Client().post("/accounts/login/", RIGHT).status_code == 429


@pytest.mark.django_db
def test_a_new_password_that_is_refused_is_not_a_failed_guess(owner_client):
    for _ in range(6):
        response = owner_client.post("/accounts/password/", {
            "old_password": "correct-horse-battery", "new_password1": "short", "new_password2": "short"})
        assert response.status_code == 400
    assert Client().post("/accounts/login/", RIGHT).status_code == 302


@pytest.mark.django_db
def test_it_rate_limits_sign_ups_per_address(settings):
    settings.SIGNUPS_PER_ADDRESS = 2
    signer = Client(REMOTE_ADDR="198.51.100.7")
    for name in ("one", "two"):
        assert signer.post("/accounts/signup/", {
            "username": name, "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}).status_code == 302
        signer.post("/accounts/logout/")
    response = signer.post("/accounts/signup/", {
        "username": "three", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"})
    assert response.status_code == 429 and "Too many sign-ups" in response.content.decode()
    assert sorted(get_user_model().objects.values_list("username", flat=True)) == ["one", "two"]
    assert signer.get("/accounts/signup/").status_code == 200  # the page itself still shows
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post("/accounts/signup/", {
        "username": "three", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}).status_code == 302
    expire("signup-address", "198.51.100.7")
    assert signer.post("/accounts/signup/", {
        "username": "four", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}).status_code == 302
