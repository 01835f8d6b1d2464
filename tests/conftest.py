"""Fixtures shared by the whole suite: the roles (owner, outsider), a loaded pack."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

MINI_PACK = Path(__file__).parent / "questions" / "mini-pack"
DEFAULT_PACK = Path(__file__).resolve().parent.parent / "packs" / "deepmind-applied"


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_user("alice", password="correct-horse-battery")


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("mallory", password="correct-horse-battery")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def mini_pack(db):
    """The small test pack, loaded without judging its reference solution (tests that judge load it themselves)."""
    from questions.services import pack_load

    return pack_load(path=MINI_PACK, verify_reference=False).pack
