from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from leads import hooks

        from .services import enqueue_feedback

        # The team's decisions in the console are the advisor's lessons.
        hooks.on_lead_feedback(enqueue_feedback)
