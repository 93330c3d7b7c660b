from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from leads import hooks

        from .services import enqueue_qualification

        # New and changed leads are scored as soon as they are stored.
        hooks.on_lead_recorded(enqueue_qualification)
