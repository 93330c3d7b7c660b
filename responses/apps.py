from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qualification import hooks

        from .alerts import queue_webhook_alerts
        from .services import enqueue_draft

        # A lead that scores well enough gets a draft reply, and users whose
        # webhook minimum it meets get an alert.
        hooks.on_lead_qualified(enqueue_draft)
        hooks.on_lead_qualified(queue_webhook_alerts)
