from django.urls import path

from sessions import views

urlpatterns = [
    path("practice/start/", views.start, name="practice_start"),
    path("practice/preview/", views.preview, name="markdown_preview"),
    path("practice/sessions/<int:session_id>/", views.session_page, name="session_page"),
    path("practice/rounds/<int:round_id>/", views.round_page, name="round_page"),
    path("practice/rounds/<int:round_id>/start/", views.round_start, name="round_start"),
    path("practice/rounds/<int:round_id>/clock/", views.round_clock, name="round_clock"),
    path("practice/rounds/<int:round_id>/pause/", views.round_control, {"action": "pause"}, name="round_pause"),
    path("practice/rounds/<int:round_id>/resume/", views.round_control, {"action": "resume"}, name="round_resume"),
    path("practice/rounds/<int:round_id>/end/", views.round_control, {"action": "end"}, name="round_end"),
    path("practice/rounds/<int:round_id>/summary/", views.round_summary_page, name="round_summary"),
    path("practice/rounds/<int:round_id>/q/<int:number>/save/", views.answer_save, name="answer_save"),
    path("practice/rounds/<int:round_id>/q/<int:number>/run/", views.run_code, name="run_code"),
    path("practice/rounds/<int:round_id>/q/<int:number>/constraints/", views.constraints_panel, name="constraints_panel"),
    path("practice/rounds/<int:round_id>/q/<int:number>/reveal/", views.question_action, {"action": "reveal"}, name="reveal_answer"),
    path("practice/rounds/<int:round_id>/q/<int:number>/next-constraint/", views.question_action, {"action": "constraint"}, name="next_constraint"),
    path("practice/rounds/<int:round_id>/q/<int:number>/grade/", views.question_action, {"action": "grade"}, name="self_grade"),
    path("practice/runs/<int:submission_id>/", views.run_result, name="run_result"),
]
