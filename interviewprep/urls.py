from django.contrib import admin
from django.urls import include, path

from interviewprep import health, views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/signup/", views.signup, name="signup"),
    path("health/live/", views.health_live, name="health_live"),
    path("health/", health.health_ready, name="health_ready"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("sessions.urls")),
    path("", include("questions.urls")),
]
