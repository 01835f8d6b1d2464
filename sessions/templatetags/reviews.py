"""Review-queue fragments for pages of the questions app, which never imports sessions (its templates load these)."""

from django import template

from questions.access import is_guest
from sessions.models import ReviewCard
from sessions.scheduling.queue import due_today

register = template.Library()


def _practising(user) -> bool:
    return bool(user and user.is_authenticated) and not is_guest(user)


@register.inclusion_tag("sessions/_due_today.html", takes_context=True)
def due_today_panel(context):
    """Today's queue for the signed-in user (the home page); nothing for visitors and guests."""
    user = context["request"].user
    return {"queue": due_today(user) if _practising(user) else None, "request": context["request"],
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("sessions/_card_status.html", takes_context=True)
def review_card_status(context, question):
    """On a question's page: where it stands in the user's reviews, or a button to add it."""
    user = context["request"].user
    card = ReviewCard.objects.filter(owner=user, question=question).first() if _practising(user) else None
    return {"practising": _practising(user), "card": card, "question": question,
            "csrf_token": context.get("csrf_token")}
