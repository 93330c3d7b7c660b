"""Forms for drafts, templates and alert settings."""

from __future__ import annotations

from typing import Any

from django import forms

from .alerts import WebhookRefused, check_webhook_url
from .models import AlertSettings, Draft, ResponseTemplate


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        choices=[
            ("", "waiting for review"),
            ("all", "all states"),
            *Draft.State.choices,
        ],
    )
    grade = forms.ChoiceField(
        required=False, choices=[("", "any grade")] + [(g, g) for g in "ABCDF"]
    )
    escalated = forms.BooleanField(required=False)


class DraftEditForm(forms.Form):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=2000)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Draft.Outcome.choices)
    note = forms.CharField(required=False, max_length=2000)


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ResponseTemplate
        fields = ["name", "category", "subject_template", "body_template", "active"]
        widgets = {"body_template": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "category"
        ].help_text = "Craigslist category code (e.g. sof); blank for any"


class AlertSettingsForm(forms.ModelForm):
    """A user's own alert choices. The webhook URL is checked the way it will be
    used: http(s) only, and every address its host resolves to must be public."""

    webhook_url = forms.CharField(
        required=False,
        max_length=500,
        label="URL",
        help_text="A Slack incoming webhook or any endpoint that takes Slack's "
        "JSON. Leave blank to switch the webhook off.",
        widget=forms.URLInput(
            attrs={"placeholder": "https://hooks.slack.com/services/…", "size": 48}
        ),
    )

    class Meta:
        model = AlertSettings
        fields = [
            "digest_frequency",
            "digest_min_grade",
            "webhook_url",
            "webhook_min_grade",
        ]
        labels = {
            "digest_frequency": "How often",
            "digest_min_grade": "Digest lists leads graded",
            "webhook_min_grade": "Post leads graded",
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        email = user.email or "no address on your account"
        self.fields["digest_frequency"].help_text = f"Sent to {email}."

    def clean_webhook_url(self) -> str:
        url = (self.cleaned_data.get("webhook_url") or "").strip()
        if url:
            try:
                check_webhook_url(url)
            except WebhookRefused as exc:
                raise forms.ValidationError(str(exc), code="refused") from None
        return url

    def clean_digest_frequency(self) -> str:
        frequency = str(self.cleaned_data.get("digest_frequency") or "")
        if frequency != AlertSettings.Frequency.OFF and not self.user.email:
            raise forms.ValidationError(
                "Your account has no e-mail address, so there is nowhere to send "
                "a digest. Ask an admin to add one, then turn the digest on.",
                code="no_email",
            )
        return frequency
