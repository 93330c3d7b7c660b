"""`python manage.py bootstrap`: migrate, load defaults, and on first run create an
`admin` user whose generated password is printed once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from craigleads.accounts import create_user


class Command(BaseCommand):
    help = "Prepare the database for the console (safe to run on every start)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_defaults", stdout=self.stdout)
        if get_user_model().objects.filter(is_superuser=True).exists():
            return
        _, password = create_user(username="admin", role="admin")
        bar = "=" * 64
        self.stdout.write(
            f"\n{bar}\n First run: created the console user 'admin'.\n"
            f" Password (shown once, store it now): {password}\n{bar}\n"
        )
