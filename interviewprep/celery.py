"""The Celery application. Configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

from interviewprep.broker import use_for_filesystem_urls

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
use_for_filesystem_urls()  # before any connection is made

app = Celery("interviewprep")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
