"""Read-only share links to a session's review."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from sessions.models.rounds import InterviewSession


class ShareLink(models.Model):
    """A read-only link to a session's review, for a mentor. Only the token's SHA-256 is stored.

    It shows the rounds its creator practised (a solo session's rounds, or the paired rounds where
    they were the candidate), each as the candidate sees it. Revoking it stops it at once; so
    does reaching `expires_at` (SHARE_LINK_DAYS after it was made).
    """

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    # The creator's own recordings (their voice only, never their partner's) play on the shared page only if
    # they ticked this when making the link.
    include_recordings = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
