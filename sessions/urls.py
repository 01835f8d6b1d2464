from django.urls import path

from sessions.views import exports as export_views
from sessions.views import history as history_views
from sessions.views import notes, paired, recordings, review, reviews, rounds, whiteboard

ROUND = "practice/rounds/<int:round_id>/"
QUESTION = ROUND + "q/<int:number>/"

urlpatterns = [
    path("practice/start/", rounds.start, name="practice_start"),
    path("practice/preview/", rounds.preview, name="markdown_preview"),
    path("practice/sessions/<int:session_id>/", rounds.session_page, name="session_page"),
    path(ROUND, rounds.round_page, name="round_page"),
    path(ROUND + "start/", rounds.round_start, name="round_start"),
    path(ROUND + "clock/", rounds.round_clock, name="round_clock"),
    path(ROUND + "pause/", rounds.round_control, {"action": "pause"}, name="round_pause"),
    path(ROUND + "resume/", rounds.round_control, {"action": "resume"}, name="round_resume"),
    path(ROUND + "add-time/", rounds.round_control, {"action": "add_time"}, name="round_add_time"),
    path(ROUND + "end/", rounds.round_control, {"action": "end"}, name="round_end"),
    path(ROUND + "summary/", rounds.round_summary_page, name="round_summary"),
    path(QUESTION + "save/", rounds.answer_save, name="answer_save"),
    path(QUESTION + "board/", whiteboard.board, name="whiteboard"),
    path(QUESTION + "run/", rounds.run_code, name="run_code"),
    path(QUESTION + "constraints/", rounds.constraints_panel, name="constraints_panel"),
    path(QUESTION + "reveal/", rounds.question_action, {"action": "reveal"}, name="reveal_answer"),
    path(QUESTION + "next-constraint/", rounds.question_action, {"action": "constraint"}, name="next_constraint"),
    path(QUESTION + "next-hint/", rounds.question_action, {"action": "hint"}, name="next_hint"),
    path(QUESTION + "switch/", rounds.question_action, {"action": "switch"}, name="switch_question"),
    path(QUESTION + "grade/", rounds.question_action, {"action": "grade"}, name="self_grade"),
    path("practice/runs/<int:submission_id>/", rounds.run_result, name="run_result"),
    # Paired sessions
    path("practice/paired/new/", paired.paired_new, name="paired_new"),
    path("practice/sessions/<int:session_id>/invite/", paired.invite_new, name="invite_new"),
    path("practice/sessions/<int:session_id>/invite/revoke/", paired.invite_revoke, name="invite_revoke"),
    path("practice/join/<str:token>/", paired.join, name="join"),
    path(ROUND + "live/", paired.round_live, name="round_live"),
    path(ROUND + "swap/", paired.round_swap, name="round_swap"),
    # Calls and recordings
    path(ROUND + "call/consent/", recordings.call_consent, name="call_consent"),
    path(ROUND + "recordings/", recordings.recording_start, name="recording_start"),
    path(QUESTION + "spoken/", recordings.spoken_answers, name="spoken_answers"),
    path("practice/recordings/<int:recording_id>/chunks/<int:seq>/", recordings.recording_chunk, name="recording_chunk"),
    path("practice/recordings/<int:recording_id>/finish/", recordings.recording_finish, name="recording_finish"),
    path("practice/recordings/<int:recording_id>/audio/", recordings.recording_audio, name="recording_audio"),
    path("practice/recordings/<int:recording_id>/delete/", recordings.recording_delete, name="recording_delete"),
    path("shared/<str:token>/recordings/<int:recording_id>/audio/", recordings.shared_recording_audio,
         name="shared_recording_audio"),
    # Notes and scorecards
    path(ROUND + "notes/", notes.note_save, name="note_save"),
    path(ROUND + "notes/tag/", notes.note_tag, name="note_tag"),
    path(ROUND + "notes/<int:note_id>/delete/", notes.note_delete, name="note_delete"),
    path(ROUND + "sheet/", notes.sheet_save, name="sheet_save"),
    path(ROUND + "scorecard/", notes.scorecard, name="scorecard"),
    path(ROUND + "feedback-for-interviewer/", notes.interviewer_feedback, name="interviewer_feedback"),
    # Review: the review page, the replay, share links
    path("practice/sessions/<int:session_id>/review/", review.session_review, name="session_review"),
    path(ROUND + "replay/", review.round_replay, name="round_replay"),
    path("practice/sessions/<int:session_id>/share/", review.share_create, name="share_create"),
    path("practice/sessions/<int:session_id>/share/revoke/", review.share_revoke, name="share_revoke"),
    path("shared/<str:token>/", review.shared_review, name="shared_review"),
    path("shared/<str:token>/rounds/<int:round_id>/replay/", review.shared_replay, name="shared_replay"),
    # History and progress
    path("practice/history/", history_views.history, name="history"),
    path("practice/progress/", history_views.progress, name="progress"),
    # Spaced repetition
    path("practice/reviews/", reviews.reviews, name="reviews"),
    path("practice/reviews/settings/", reviews.review_settings, name="review_settings"),
    path("practice/reviews/start/", reviews.review_start, name="review_start"),
    path("practice/reviews/cards/<int:card_id>/", reviews.card_change, name="review_card_change"),
    path("practice/reviews/add/<int:question_id>/", reviews.card_add_view, name="review_card_add"),
    # Exports and import
    path("practice/sessions/<int:session_id>/export.md", export_views.session_export_md, name="session_export_md"),
    path("practice/sessions/<int:session_id>/print/", export_views.session_print, name="session_print"),
    path("practice/export.json", export_views.data_export, name="data_export"),
    path("practice/import/", export_views.data_import, name="data_import"),
]
