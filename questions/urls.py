from django.urls import path

from questions import views

urlpatterns = [
    path("", views.home, name="home"),
    path("loops/<slug:pack_slug>/<slug:loop_slug>/", views.loop_detail, name="loop_detail"),
    path("questions/", views.bank, name="question_bank"),
    path("questions/<slug:slug>/", views.question_detail, name="question_detail"),
]
