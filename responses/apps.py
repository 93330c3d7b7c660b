from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qualification import hooks

        from .services import enqueue_draft

        # A lead that scores well enough gets a draft reply.
        hooks.on_lead_qualified(enqueue_draft)
