"""Write a loaded question pack back out as a pack folder."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from questions.models import Pack
from questions.services import pack_export


class Command(BaseCommand):
    help = "Export a loaded pack to a folder that load_pack reads back to the same content."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the pack's slug, e.g. deepmind-applied")
        parser.add_argument("folder", help="where to write pack.yaml and questions/")

    def handle(self, *args, slug, folder, **options):
        try:
            spec = pack_export(slug=slug, folder=folder)
        except Pack.DoesNotExist:
            known = ", ".join(Pack.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandError(f"no pack {slug!r} (known: {known})") from None
        kinds = Counter(question.kind for question in spec.questions)
        stages = sum(len(loop.stages) for loop in spec.loops)
        self.stdout.write(
            f"exported {spec.slug} to {folder}: {len(spec.loops)} loops, {stages} stages, "
            f"{len(spec.questions)} questions ("
            + ", ".join(f"{kinds[kind]} {kind}" for kind in ("concept", "coding", "design", "behavioral"))
            + ")"
        )
