from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    # Later migrations add models and permissions, and a flushed test database
    # loses them: keep the groups complete. Permissions of apps whose post_migrate
    # has not run yet are created first.
    if sender.name == "craigleads":
        from .roles import ensure_role_groups

        ensure_role_groups()


class CraigleadsConfig(AppConfig):
    name = "craigleads"
    verbose_name = "craigleads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit

        post_migrate.connect(_sync_roles, sender=self)
        audit.connect_auth_signals()
