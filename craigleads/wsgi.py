"""WSGI entry point (the console runs on ASGI; this serves plain HTTP hosts)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craigleads.settings")
application = get_wsgi_application()
