"""Load a question pack folder into the database (safe to run again)."""

from django.core.management.base import BaseCommand, CommandError

from questions.packs import PackError
from questions.services import pack_load


class Command(BaseCommand):
    help = "Load or reload a question pack folder (see packs/FORMAT.md). Loading twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the pack folder, e.g. packs/deepmind-applied")
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="do not judge reference and wrong solutions in the sandbox (structure is still checked)",
        )

    def handle(self, *args, path, no_verify, **options):
        try:
            report = pack_load(path=path, verify_reference=False if no_verify else None)
        except PackError as exc:
            raise CommandError(f"pack not loaded: {exc}") from None
        pack = report.pack
        summary = (
            f"{pack.slug}: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.removed)} removed"
        )
        self.stdout.write(self.style.SUCCESS(summary) if report.changed else summary)
        if report.unverified:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(report.unverified)} reference solution(s) not verified because the sandbox "
                    "cannot run here; `python -m sandbox check` says why."
                )
            )
