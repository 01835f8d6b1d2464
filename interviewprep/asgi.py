"""ASGI entry point, for servers that stream events to paired sessions."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
application = get_asgi_application()
