"""The throttle counters: windows, buckets, the client's address, and the shared database cache."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from interviewprep.throttle import Bucket, Window, client_address

DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "throttle_test_table"},
}


def test_it_opens_a_window_at_the_first_event_and_closes_it_after_its_seconds():
    window = Window(kind="t", limit=3, seconds=60)
    for n in range(1, 4):
        assert window.seconds_left("x", now=1000) == 0
        assert window.add("x", now=1000 + n) == n
    assert window.seconds_left("x", now=1010) == 51  # full until 60 s after the first event (at 1001)
    assert window.seconds_left("y", now=1010) == 0  # another subject counts on its own
    assert window.seconds_left("x", now=1061) == 0  # the window closed
    assert window.add("x", now=1061) == 1  # and the next one starts from zero


def test_it_forgets_a_subject_it_is_told_to_clear():
    window = Window(kind="t", limit=1, seconds=60)
    window.add("x", now=0)
    assert window.seconds_left("x", now=1) == 59
    window.clear("x")
    assert window.seconds_left("x", now=1) == 0


def test_a_bucket_lets_a_burst_through_then_a_steady_rate():
    bucket = Bucket(kind="t", rate=2.0, burst=3)
    assert [bucket.take("x", now=0) for _ in range(3)] == [0, 0, 0]
    assert bucket.take("x", now=0) == pytest.approx(0.5)  # refused: the next token in half a second
    assert bucket.take("x", now=0.5) == 0
    assert bucket.take("x", now=0.5) > 0


@pytest.mark.parametrize("delay_ms", [250, 1500])
def test_the_editors_fastest_autosave_cadence_never_meets_the_default_bucket(delay_ms):
    # round.js saves at most every `data-save-delay` ms while typing goes on (250 paired, 1500 solo);
    # an hour of that, plus a flush before each of 120 runs or reveals, must never be refused.
    bucket = Bucket(kind="cadence", rate=settings.AUTOSAVE_RATE_PER_S, burst=settings.AUTOSAVE_BURST)
    moments = [i * delay_ms / 1000 for i in range(3600 * 1000 // delay_ms)]
    moments += [30 * k + 0.01 for k in range(120)]
    assert all(bucket.take("typist", now=t) == 0 for t in sorted(moments))


@pytest.mark.parametrize("meta, proxies, expected", [
    ({"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, 0, "203.0.113.7"),
    ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9"}, 1, "203.0.113.9"),
    ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "forged, 203.0.113.9, 10.0.0.3"}, 2, "203.0.113.9"),
    ({"REMOTE_ADDR": "10.0.0.2"}, 1, "10.0.0.2"),
    ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, 0, "2001:db8:1:2::/64"),
    ({"REMOTE_ADDR": "::ffff:203.0.113.7"}, 0, "203.0.113.7"),
])
def test_it_takes_the_address_from_forwarded_for_only_behind_trusted_proxies(meta, proxies, expected):
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(RequestFactory().get("/", **meta)) == expected


@pytest.mark.django_db
def test_it_counts_in_the_database_cache_production_uses():
    with override_settings(CACHES=DATABASE_CACHE):
        call_command("createcachetable", verbosity=0)
        window = Window(kind="db", limit=2, seconds=60)
        window.add("x", now=0)
        window.add("x", now=1)
        assert window.seconds_left("x", now=2) == 58
        bucket = Bucket(kind="db", rate=1.0, burst=1)
        assert bucket.take("x", now=0) == 0 and bucket.take("x", now=0) == 1.0
