"""Round.snapshot_bytes: the replay history's size, counted from the snapshots already kept."""

from django.db import migrations, models


def count_existing(apps, schema_editor):
    Round = apps.get_model("interview_sessions", "Round")
    Snapshot = apps.get_model("interview_sessions", "Snapshot")
    totals: dict[int, int] = {}
    rows = Snapshot.objects.values_list("round_question__round_id", "content").iterator(chunk_size=500)
    for round_id, content in rows:
        totals[round_id] = totals.get(round_id, 0) + len(content.encode())
    for round_id, total in totals.items():
        Round.objects.filter(pk=round_id).update(snapshot_bytes=total)


class Migration(migrations.Migration):
    dependencies = [("interview_sessions", "0007_imported")]

    operations = [
        migrations.AddField(
            model_name="round",
            name="snapshot_bytes",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
