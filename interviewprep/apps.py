from django.apps import AppConfig


class InterviewPrepConfig(AppConfig):
    name = "interviewprep"
    verbose_name = "InterviewPrep"

    def ready(self) -> None:
        from interviewprep import checks  # noqa: F401  (registers the system checks)
        from django.db.backends.signals import connection_created

        from interviewprep import log_redaction, private_files

        log_redaction.install()
        connection_created.connect(private_files.restrict_sqlite_files, dispatch_uid="restrict_sqlite_files")
