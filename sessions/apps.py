from django.apps import AppConfig


class InterviewSessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" is taken by django.contrib.sessions.
    label = "interview_sessions"
    verbose_name = "Mock interview sessions"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which exist only once the app
        # registry is ready, and Django imports this module before that.
        from questions.access import register_guest_rule, register_live_candidate_rule
        from questions.selectors import register_marks_rule
        from sessions import signals  # noqa: F401  (connects the worker start-up hook)
        from sessions.calls import signals as call_signals  # noqa: F401  (a recording's files go with its rows)
        from sessions.access import guest_rule, live_candidate_rule
        from sessions.review.marks import question_marks

        # The bank's rules need to know who is a guest and who is the candidate of a live paired round:
        # this app answers, so `questions` never imports `sessions`.
        register_guest_rule(guest_rule)
        register_live_candidate_rule(live_candidate_rule)
        register_marks_rule(question_marks)  # the bank's solved / attempted / practised marks
