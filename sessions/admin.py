from django.contrib import admin

from sessions.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "question", "kind", "language", "status", "verdict", "created_at"]
    list_filter = ["status", "verdict", "kind", "language"]
    search_fields = ["user__username", "question__title"]
    readonly_fields = ["created_at", "started_at", "finished_at", "worker", "attempts"]
