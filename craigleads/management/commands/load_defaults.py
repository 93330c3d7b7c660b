"""`python manage.py load_defaults`: sites, categories, a criteria profile, reply
templates and approval rules. Idempotent; never overwrites edited rows."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from craigleads import defaults
from leads.models import Category, Site
from qualification.models import CriteriaProfile, Criterion
from responses.models import ApprovalRule, ResponseTemplate, SenderProfile


class Command(BaseCommand):
    help = "Load the default sites, categories, criteria, templates and approval rules."

    def handle(self, *args: Any, **options: Any) -> None:
        created: dict[str, int] = {}
        with transaction.atomic():
            for code, name, region, abbr, lat, lon, subareas in defaults.SITES:
                _, new = Site.objects.get_or_create(
                    code=code,
                    defaults={
                        "name": name,
                        "region": region,
                        "country": "CA" if region == "BC" else "US",
                        "area_abbr": abbr,
                        "latitude": lat,
                        "longitude": lon,
                        "subareas": subareas,
                        "host": f"{code}.craigslist.org",
                    },
                )
                created["sites"] = created.get("sites", 0) + new
            for code, name, section, by_owner in defaults.CATEGORIES:
                _, new = Category.objects.get_or_create(
                    code=code,
                    defaults={"name": name, "section": section, "by_owner": by_owner},
                )
                created["categories"] = created.get("categories", 0) + new
            profile, new = CriteriaProfile.objects.get_or_create(
                name="Team default",
                defaults={
                    "is_default": not CriteriaProfile.objects.filter(
                        is_default=True
                    ).exists(),
                    "description": "Created on first run; edit it anywhere.",
                },
            )
            created["criteria profiles"] = int(new)
            if new:
                for row in defaults.CRITERIA:
                    Criterion.objects.create(profile=profile, **row)
            for row in defaults.TEMPLATES:
                _, new = ResponseTemplate.objects.get_or_create(
                    name=row["name"], defaults=row
                )
                created["templates"] = created.get("templates", 0) + new
            _, new = SenderProfile.objects.get_or_create(
                is_default=True,
                defaults={"name": "Your name", "signature": "Sent with craigleads"},
            )
            created["sender profiles"] = int(new)
            for row in defaults.APPROVAL_RULES:
                _, new = ApprovalRule.objects.get_or_create(
                    name=row["name"], defaults=row
                )
                created["approval rules"] = created.get("approval rules", 0) + new
        summary = ", ".join(f"{n} {what}" for what, n in created.items())
        self.stdout.write(f"Default data loaded (new: {summary}).")
