from django.apps import AppConfig


class InterviewSessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" is taken by django.contrib.sessions.
    label = "interview_sessions"
    verbose_name = "Mock interview sessions"

    def ready(self) -> None:
        from sessions import signals  # noqa: F401  (connects the worker start-up hook)
