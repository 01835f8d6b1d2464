"""Project-level views: accounts (sign up, log in, change password, preferences) and the liveness probe.

Django's auth ships no sign-up page, and its log-in and password pages answer a mistyped form with
a 200; here every rejected form is a 400, like the rest of the app. Log-in, sign-up and the
password page are throttled (interviewprep.account_limits): a throttled attempt is a 429.
"""

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from interviewprep import account_limits as limits
from interviewprep.preferences import (
    COOKIE_MAX_AGE, COOKIE_NAME, PreferencesForm, cookie_value, preferences_for, preferences_save,
)
from questions.access import is_guest
from sessions.paired.services import guest_account_keep


@require_http_methods(["GET", "POST"])
def signup(request):
    """A new account; for a guest, a username and password for the account they already have."""
    keeping = is_guest(request.user)
    if request.user.is_authenticated and not keeping:
        return redirect("home")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST":
        wait = limits.signup_wait(request)
        if wait:
            return limits.throttled(request, wait, limits.SIGNUP_REASON)
        limits.signup_attempted(request)
        if not form.is_valid():
            return render(request, "registration/signup.html", {"form": form, "keeping": keeping}, status=400)
        if keeping:
            user = guest_account_keep(
                user=request.user, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
            update_session_auth_hash(request, user)  # the new password must not sign this browser out
            messages.success(request, "Your account is yours to keep: log in with that username from anywhere.")
        else:
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form, "keeping": keeping})


@require_http_methods(["GET", "POST"])
def preferences(request):
    """Theme and code-editor settings; open to everyone (a visitor's are kept in a cookie)."""
    if request.method == "GET":
        return render(request, "registration/preferences.html", {"form": PreferencesForm(instance=preferences_for(request))})
    chosen, form = preferences_save(request=request, data=request.POST)
    if form.errors:
        return render(request, "registration/preferences.html", {"form": form}, status=400)
    messages.success(request, "Preferences saved." if request.user.is_authenticated
                     else "Preferences saved in this browser. Sign up to keep them on an account.")
    response = redirect("preferences")
    if not request.user.is_authenticated:
        response.set_cookie(COOKIE_NAME, cookie_value(chosen), max_age=COOKIE_MAX_AGE, secure=request.is_secure(),
                            httponly=True, samesite="Lax")
    return response


class LoginView(auth_views.LoginView):
    """Django's log-in, throttled: failures count per username and per address (see account_limits)."""

    def post(self, request, *args, **kwargs):
        wait = limits.login_wait(request, request.POST.get("username", ""))
        if wait:
            return limits.throttled(request, wait, limits.LOGIN_REASON)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        limits.login_succeeded(self.request.POST.get("username", ""))
        return super().form_valid(form)

    def form_invalid(self, form):
        limits.login_failed(self.request, self.request.POST.get("username", ""))
        return self.render_to_response(self.get_context_data(form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    if is_guest(request.user):
        return redirect("signup")  # a guest has no password to change; they choose their first one there
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        username = request.user.get_username()
        wait = limits.login_wait(request, username)
        if wait:
            return limits.throttled(request, wait, limits.PASSWORD_REASON)
        if not form.is_valid():
            if "old_password" in form.errors:
                limits.login_failed(request, username)
            return render(request, "registration/password_change.html", {"form": form}, status=400)
        user = form.save()
        limits.login_succeeded(username)
        update_session_auth_hash(request, user)
        messages.success(request, "Your password has been changed.")
        return redirect("password_change")
    return render(request, "registration/password_change.html", {"form": form})


@require_GET
def health_live(request):
    """Liveness: the process answers. Touches nothing else, so it is also the benchmarks' baseline view."""
    return HttpResponse("ok", content_type="text/plain")
