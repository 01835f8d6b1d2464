"""Secret link tokens (invites, share links): 256 random bits, shown once, stored only as a SHA-256.

A copy of the database then opens nothing, and a token is looked up by its hash alone.
"""

import hashlib
import secrets

# secrets.token_urlsafe(32) gives 43 characters; anything far longer is not a token and is not hashed.
MAX_TOKEN_LENGTH = 100


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def plausible(token: str) -> bool:
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH
