from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from leads import hooks

        from .services import enqueue_qualification, requalify_leads

        # New and changed leads are scored as soon as they are stored.
        hooks.on_lead_recorded(enqueue_qualification)
        # The lead list's bulk "re-qualify" runs as a re-score with progress.
        hooks.on_requalify_requested(
            lambda lead_ids, actor: requalify_leads(lead_ids=lead_ids, actor=actor)
        )
