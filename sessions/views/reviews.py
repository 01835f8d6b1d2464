"""Spaced repetition: the reviews page (due today, settings, progress, cards), the review round, card changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from questions.models import Question
from sessions.access import get_card_for_user, require_own_account
from sessions.forms import CardActionForm, ReviewSettingsForm
from sessions.models import ReviewCard
from sessions.scheduling.cards import card_add, card_forget, card_suspend, review_settings_save
from sessions.scheduling.queue import due_today
from sessions.scheduling.report import review_report
from sessions.scheduling.review_round import review_session_start
from sessions.scheduling.scheduler import retrievability, scheduler_for, settings_for
from sessions.views.responses import error_messages

CARDS_PAGE_SIZE = 50


def _page(request, *, form=None, status=200):
    user, now = request.user, timezone.now()
    settings = settings_for(user)
    scheduler = scheduler_for(settings.desired_retention)
    cards = Paginator(ReviewCard.objects.filter(owner=user).select_related("question").order_by("suspended", "due", "id"),
                      CARDS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(card, retrievability(card, now, scheduler=scheduler)) for card in cards.object_list]
    context = {
        "queue": due_today(user, now=now),
        "report": review_report(user, now=now),
        "form": form or ReviewSettingsForm.for_settings(settings),
        "cards": cards,
        "rows": rows,
        "now": now,
    }
    return render(request, "sessions/reviews.html", context, status=status)


@login_required
@require_GET
def reviews(request):
    require_own_account(request.user)
    return _page(request)


@login_required
@require_POST
def review_settings(request):
    require_own_account(request.user)
    form = ReviewSettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            review_settings_save(user=request.user, desired_retention=data["retention_percent"] / 100,
                                 reviews_per_day=data["reviews_per_day"], new_per_day=data["new_per_day"],
                                 kinds=data["kinds"])
        except ValidationError as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, "Review settings saved.")
            return redirect("reviews")
    return _page(request, form=form, status=400)


@login_required
@require_POST
def review_start(request):
    require_own_account(request.user)
    try:
        session = review_session_start(owner=request.user)
    except ValidationError as error:
        return render(request, "sessions/start_error.html", {"errors": error_messages(error)}, status=400)
    return redirect("round_page", round_id=session.rounds.order_by("order").first().pk)


@login_required
@require_POST
def card_change(request, card_id: int):
    card = get_card_for_user(request.user, card_id)
    form = CardActionForm(request.POST)
    if not form.is_valid():
        return render(request, "sessions/start_error.html", {"errors": ["Choose Forget, Suspend or Unsuspend."]},
                      status=400)
    action = form.cleaned_data["action"]
    if action == "forget":
        card_forget(card=card)
        messages.success(request, f"“{card.question.title}” starts again as a new card.")
    else:
        card_suspend(card=card, suspended=action == "suspend")
        messages.success(request, f"“{card.question.title}” is {'suspended' if action == 'suspend' else 'back in your queue'}.")
    return redirect("reviews")


@login_required
@require_POST
def card_add_view(request, question_id: int):
    require_own_account(request.user)
    question = get_object_or_404(Question, pk=question_id)
    card_add(user=request.user, question=question)
    messages.success(request, f"“{question.title}” is in your reviews as a new card.")
    return redirect(question.get_absolute_url())
