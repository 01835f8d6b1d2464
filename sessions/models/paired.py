"""Paired sessions: the invite link and the guest account of someone who joined through one."""

from django.conf import settings
from django.db import models

from sessions.models.rounds import InterviewSession


class Invite(models.Model):
    """A link that admits one candidate to a paired session. Only the token's hash is stored."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.accepted_at is None and now < self.expires_at

    def state(self, now) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if now >= self.expires_at else "open"


class Guest(models.Model):
    """A user account made for someone who joined through an invite without an account of their own.

    It has no password: the browser that joined is signed in, and that is the only way in.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest")
    display_name = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.display_name
