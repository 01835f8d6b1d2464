"""Turn every finished round into review cards (sessions.scheduling.recording). Safe to run again: it changes nothing then."""

from django.core.management.base import BaseCommand

from sessions.models import CardReview
from sessions.scheduling.recording import reviews_backfill


class Command(BaseCommand):
    help = "Create and schedule review cards from every finished round; running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true",
            help="do nothing if any review exists (start-up scripts: rounds record their own reviews once cards exist)",
        )

    def handle(self, *args, once: bool = False, **options):
        if once and CardReview.objects.exists():
            self.stdout.write("Review cards exist already; nothing to backfill.")
            return
        seen, rescheduled = reviews_backfill()
        self.stdout.write(f"{seen} finished rounds read; {rescheduled} card{'s' if rescheduled != 1 else ''} rescheduled.")
