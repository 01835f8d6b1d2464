from django.apps import AppConfig


class InterviewPrepConfig(AppConfig):
    name = "interviewprep"
    verbose_name = "InterviewPrep"

    def ready(self) -> None:
        from interviewprep import checks  # noqa: F401  (registers the system checks)
        from interviewprep import log_redaction

        log_redaction.install()
