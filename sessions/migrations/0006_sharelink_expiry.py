"""Share links expire: links made before this migration get SHARE_LINK_DAYS from their creation."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def expire_existing(apps, schema_editor):
    ShareLink = apps.get_model("interview_sessions", "ShareLink")
    lifetime = timedelta(days=settings.SHARE_LINK_DAYS)
    for link in ShareLink.objects.filter(expires_at=None).only("created_at"):
        ShareLink.objects.filter(pk=link.pk).update(expires_at=link.created_at + lifetime)


class Migration(migrations.Migration):

    dependencies = [
        ("interview_sessions", "0005_interviewer_feedback"),
    ]

    operations = [
        migrations.AddField(
            model_name="sharelink",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sharelink",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
