"""Forms for the Scrapes page."""

from __future__ import annotations

from typing import Any

from django import forms

from leads.models import Category, Site

from .models import SavedSearch


class StartJobForm(forms.Form):
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), to_field_name="code"
    )
    keywords = forms.CharField(required=False, max_length=200)
    max_pages = forms.IntegerField(min_value=1, max_value=50, initial=2)
    base_url = forms.URLField(
        required=False,
        assume_scheme="http",
        label="Test site URL",
        help_text="A loopback site in SCRAPE_ALLOWED_HOSTS; blank means Craigslist",
    )

    def __init__(self, *args: Any, demo_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if demo_url:
            self.fields["base_url"].initial = demo_url


class SavedSearchForm(forms.ModelForm):
    base_url = forms.URLField(
        required=False, assume_scheme="http", label="Test site URL", max_length=200
    )

    class Meta:
        model = SavedSearch
        widgets = {"sites": forms.CheckboxSelectMultiple(attrs={"class": "choices"})}
        fields = [
            "name",
            "sites",
            "category",
            "query",
            "base_url",
            "max_pages",
            "interval_minutes",
            "active",
        ]
