"""The deploy check that the throttles count in a cache every web process shares."""

import pytest

from interviewprep.checks import check_throttle_cache_is_shared


@pytest.mark.parametrize("backend, warned", [
    ("django.core.cache.backends.locmem.LocMemCache", True),
    ("django.core.cache.backends.dummy.DummyCache", True),
    ("django.core.cache.backends.db.DatabaseCache", False),
    ("django.core.cache.backends.redis.RedisCache", False),
])
def test_it_warns_when_the_throttle_cache_is_per_process(settings, backend, warned):
    settings.CACHES = {**settings.CACHES, "throttle": {"BACKEND": backend, "LOCATION": "x"}}
    assert [w.id for w in check_throttle_cache_is_shared()] == (["interviewprep.W020"] if warned else [])


def test_the_shipped_default_is_shared():
    from interviewprep import settings as shipped

    assert not shipped.CACHES["throttle"]["BACKEND"].endswith("LocMemCache")
