"""Strip per-test time and memory of hidden tests from results stored before they were hidden.

A program that sleeps or allocates by its input could read a hidden input back from those
figures; the run's own time_ms and memory_kb were peaks over every test, so they are
recomputed from the visible tests. Irreversible by design.
"""

from django.db import migrations


def redact(apps, schema_editor):
    from sessions.runs.results import redact_hidden_usage

    Submission = apps.get_model("interview_sessions", "Submission")
    batch = []
    for row in Submission.objects.exclude(results={}).only("pk", "results", "time_ms", "memory_kb").iterator():
        redacted = redact_hidden_usage(row.results or {})
        if redacted is None:
            continue
        row.results, row.time_ms, row.memory_kb = redacted
        batch.append(row)
        if len(batch) >= 500:
            Submission.objects.bulk_update(batch, ["results", "time_ms", "memory_kb"])
            batch = []
    if batch:
        Submission.objects.bulk_update(batch, ["results", "time_ms", "memory_kb"])


class Migration(migrations.Migration):

    dependencies = [
        ("interview_sessions", "0008_round_snapshot_bytes"),
    ]

    operations = [
        migrations.RunPython(redact, migrations.RunPython.noop),
    ]
