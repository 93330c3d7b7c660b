"""`python manage.py createuser NAME --role ROLE [--password P] [--email E]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craigleads.accounts import AccountError, create_user
from craigleads.roles import Role


class Command(BaseCommand):
    help = (
        "Create a console user with a role; prints the password if one was generated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", help="Generated when omitted")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user, password = create_user(
                username=options["username"],
                role=options["role"],
                password=options["password"],
                email=options["email"],
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Created {options['role']} {user.get_username()!r}.")
        if not options["password"]:
            self.stdout.write(f"Password: {password}")
