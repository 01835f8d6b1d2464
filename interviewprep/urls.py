from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from interviewprep import health, views

# No password-reset pages: accounts have no e-mail address to send a reset link to.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("preferences/", views.preferences, name="preferences"),
    path("health/live/", views.health_live, name="health_live"),
    path("health/", health.health_ready, name="health_ready"),
    path("", include("sessions.urls")),
    path("", include("questions.urls")),
]
