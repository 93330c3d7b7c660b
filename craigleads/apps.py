from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    # Later migrations add models and permissions; keep the groups complete.
    if sender.name == "craigleads":
        from .roles import sync_role_groups

        sync_role_groups()


class CraigleadsConfig(AppConfig):
    name = "craigleads"
    verbose_name = "craigleads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit

        post_migrate.connect(_sync_roles, sender=self)
        audit.connect_auth_signals()
