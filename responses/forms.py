"""Forms for drafts and templates."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Draft, ResponseTemplate


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
