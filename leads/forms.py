"""Lead list filters."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Lead
from .selectors import SORTS


class LeadFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    category = forms.CharField(required=False, max_length=12)
    site = forms.CharField(required=False, max_length=40)
    grade = forms.ChoiceField(
        required=False, choices=[("", "any grade")] + [(g, g) for g in "ABCDF"]
    )
    min_score = forms.FloatField(
        required=False, min_value=0, max_value=1, label="Score at least"
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "any status"), *Lead.Status.choices]
    )
    dedup_class = forms.ChoiceField(
        required=False, choices=[("", "any kind"), *Lead.DedupClass.choices]
    )
    remote = forms.NullBooleanField(
        required=False,
        widget=forms.Select(
            choices=[
                ("", "remote or not"),
                ("true", "remote only"),
                ("false", "on site"),
            ]
        ),
    )
    posted_within_days = forms.IntegerField(
        required=False, min_value=1, max_value=365, label="Posted within (days)"
    )
    archived = forms.ChoiceField(
        required=False,
        choices=[
            ("", "not archived"),
            ("include", "archived too"),
            ("only", "archived only"),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS])

    def filters(self) -> dict[str, Any]:
        # A bad value drops only its own filter (the page names it); the rest apply.
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        archived = data.pop("archived", "")
        found = {k: v for k, v in data.items() if v not in (None, "") and k != "sort"}
        if archived:
            found["include_archived"] = True
            found["archived_only"] = archived == "only"
        return found

    def menus(self, categories: Any, sites: Any) -> list[dict[str, Any]]:
        """The filter bar's drop-downs with the chosen option marked, built once
        here: rendering them from bound fields in the template cost more than
        the whole table of leads."""
        raw = self.data

        def menu(name: str, label: str, options: list[tuple[str, str]]) -> dict:
            chosen = str(raw.get(name, "") or "")
            return {
                "name": name,
                "label": label,
                "options": [(v, text, v == chosen) for v, text in options],
            }

        def choices(name: str) -> list[tuple[str, str]]:
            field = self.fields[name]
            found = getattr(field, "choices", None) or field.widget.choices
            return [(str(v), str(text)) for v, text in found]

        return [
            menu(
                "category",
                "Category",
                [("", "any category"), *((c.code, c.name) for c in categories)],
            ),
            menu(
                "site", "Site", [("", "any site"), *((x.code, x.name) for x in sites)]
            ),
            menu("grade", "Grade", choices("grade")),
            menu("status", "Status", choices("status")),
            menu("dedup_class", "Kind", choices("dedup_class")),
            menu("remote", "Remote", choices("remote")),
            menu("archived", "Archived", choices("archived")),
            menu("sort", "Sort", [(v, f"sort: {v}") for v, _ in choices("sort")]),
        ]

    def error_lines(self) -> list[str]:
        self.is_valid()
        return [
            f"{self.fields[name].label or name}: {error}"
            for name, errors in self.errors.items()
            for error in errors
        ]

    def sort_order(self) -> str:
        return (self.cleaned_data.get("sort") if self.is_valid() else "") or "newest"


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("archive", "archive"),
            ("restore", "restore"),
            ("dnc", "do not contact"),
            ("requalify", "re-qualify"),
        ]
    )
    lead_ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args: Any, allowed_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_ids"]
        if isinstance(field, forms.TypedMultipleChoiceField):
            field.choices = [(i, i) for i in allowed_ids]
