"""Leads: Craigslist sites and categories, and the lead built from each posting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from craigleads.masking import mask_for_viewer


class Site(models.Model):
    """A Craigslist site (city subdomain), e.g. `sfbay`."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, default="US")
    region = models.CharField(max_length=80, blank=True)
    area_abbr = models.CharField(
        max_length=8, blank=True, help_text="Three-letter area used in reply paths"
    )
    subareas = models.JSONField(default=list, blank=True)
    host = models.CharField(max_length=120, help_text="e.g. sfbay.craigslist.org")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Category(models.Model):
    """A Craigslist category code, e.g. `sof` under jobs `jjj`."""

    class Section(models.TextChoices):
        JOBS = "jjj", "jobs"
        GIGS = "ggg", "gigs"
        HOUSING = "hhh", "housing"
        SERVICES = "bbb", "services"
        FOR_SALE = "sss", "for sale"

    code = models.SlugField(max_length=12, unique=True)
    name = models.CharField(max_length=120)
    section = models.CharField(max_length=3, choices=Section.choices)
    by_owner = models.BooleanField(
        default=False, help_text="Real estate or goods offered by the owner"
    )

    class Meta:
        ordering = ["section", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class LeadQuerySet(models.QuerySet["Lead"]):
    def active(self) -> LeadQuerySet:
        return self.filter(status=Lead.Status.ACTIVE, archived=False)

    def qualified(self) -> LeadQuerySet:
        return self.filter(qualification_passed=True)

    def originals(self) -> LeadQuerySet:
        return self.filter(original__isnull=True)


class Lead(models.Model):
    """One Craigslist posting turned into a lead. Keeps the raw page so a better
    parser can reprocess history."""

    class Status(models.TextChoices):
        ACTIVE = "active", "active"
        DELETED = "deleted", "deleted by author"
        EXPIRED = "expired", "expired"
        FLAGGED = "flagged", "flagged for removal"
        UNPARSEABLE = "unparseable", "unparseable"

    class DedupClass(models.TextChoices):
        NEW = "new", "new"
        UPDATED = "updated", "updated"
        REPOST = "repost", "repost"
        DUPLICATE = "duplicate", "duplicate"

    # identity
    # NULL, not "", when a page shows no id: the unique constraint skips NULLs.
    post_id = models.CharField(max_length=20, null=True, blank=True)  # noqa: DJ001
    url = models.URLField(max_length=500)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="leads"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="leads"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default="active")
    archived = models.BooleanField(default=False)
    do_not_contact = models.BooleanField(default=False)

    # what the posting says
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    compensation = models.CharField(max_length=300, blank=True)
    salary_min_annual = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    salary_max_annual = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    salary_currency = models.CharField(max_length=3, blank=True)
    employment_type = models.JSONField(default=list, blank=True)
    is_remote = models.BooleanField(null=True, blank=True)
    is_internship = models.BooleanField(null=True, blank=True)
    is_nonprofit = models.BooleanField(null=True, blank=True)
    experience_level = models.CharField(max_length=80, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    company = models.CharField(max_length=200, blank=True)

    # personal data: masked for viewers
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(max_length=254, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)

    # place
    hood = models.CharField(max_length=200, blank=True)
    map_address = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    # housing and for-sale
    price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    bedrooms = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True
    )
    bathrooms = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True
    )
    sqft = models.PositiveIntegerField(null=True, blank=True)

    images = models.JSONField(default=list, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    notices = models.JSONField(default=list, blank=True)
    json_ld = models.JSONField(default=list, blank=True)

    # times and lineage
    posted_at = models.DateTimeField(null=True, blank=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    repost_of = models.CharField(max_length=20, blank=True)
    dedup_class = models.CharField(
        max_length=10, choices=DedupClass.choices, default=DedupClass.NEW
    )
    original = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        help_text="The earlier lead this one reposts or duplicates",
    )
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)

    # raw page, kept for reparse
    body_html = models.TextField(blank=True)
    parse_errors = models.JSONField(default=list, blank=True)

    # qualification (written by the qualification app)
    qualification_score = models.FloatField(null=True, blank=True)
    qualification_grade = models.CharField(max_length=1, blank=True)
    qualification_passed = models.BooleanField(null=True, blank=True)
    qualification_reasons = models.JSONField(default=list, blank=True)
    qualification_breakdown = models.JSONField(default=dict, blank=True)
    qualification_failed_filter = models.CharField(max_length=40, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)

    # bookkeeping
    scraped_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        db_table = "leads"
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post_id"],
                condition=Q(post_id__isnull=False),
                name="lead_unique_post_id",
            ),
            models.UniqueConstraint(fields=["url"], name="lead_unique_url"),
        ]
        indexes = [
            models.Index(fields=["status", "-posted_at"], name="lead_status_posted"),
            # the lead list's default order, newest first
            models.Index(fields=["-posted_at", "-id"], name="lead_posted_id"),
            # "grade A, newest first", the view operators open most
            models.Index(
                fields=["qualification_grade", "-posted_at"], name="lead_grade_posted"
            ),
            models.Index(fields=["-qualification_score"], name="lead_score"),
            models.Index(fields=["category", "site"], name="lead_cat_site"),
            models.Index(fields=["-created_at"], name="lead_created"),
            # the list's "kind" filter (reposts, duplicates)
            models.Index(fields=["dedup_class", "status"], name="lead_kind_status"),
        ]
        permissions = [
            ("view_contact_details", "Can see contact details unmasked"),
            ("export_leads", "Can export leads"),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def is_gone(self) -> bool:
        return self.status in {
            self.Status.DELETED,
            self.Status.EXPIRED,
            self.Status.FLAGGED,
        }

    def mark_gone(self, status: str) -> None:
        """Record that the posting was deleted, expired or flagged."""
        if status not in {
            self.Status.DELETED,
            self.Status.EXPIRED,
            self.Status.FLAGGED,
        }:
            raise ValueError(f"{status!r} is not a gone status")
        self.status = status
        self.save(update_fields=["status", "updated_at"])

    def masked_contact(self) -> dict[str, Any]:
        """Contact fields as a viewer may see them."""
        return {
            "contact_name": mask_text(self.contact_name),
            "contact_email": mask_email(self.contact_email),
            "contact_phone": mask_text(self.contact_phone, keep=2),
        }

    def masked_text(self, text: str) -> str:
        """Free text about this lead (its posting, a reply to it) as a viewer may
        see it: addresses, phone numbers and the contact's name hidden."""
        return mask_for_viewer(text, names=[self.contact_name])

    def masked_fields(self, names: Iterable[str]) -> dict[str, Any]:
        """The fields in `names` that can carry contact details, as a viewer may
        see them (the parser finds addresses and numbers in the posting text, so
        the text hides them too)."""
        wanted = set(names)
        masked: dict[str, Any] = {
            k: v for k, v in self.masked_contact().items() if k in wanted
        }
        for name in {"title", "description", "hood", "company"} & wanted:
            masked[name] = self.masked_text(getattr(self, name))
        if "notices" in wanted:
            masked["notices"] = [self.masked_text(str(n)) for n in self.notices or []]
        if "attributes" in wanted:
            masked["attributes"] = {
                k: self.masked_text(v) if isinstance(v, str) else v
                for k, v in (self.attributes or {}).items()
            }
        return masked


def mask_email(value: str) -> str:
    if not value or "@" not in value:
        return mask_text(value)
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_text(value: str, keep: int = 1) -> str:
    if not value:
        return ""
    return value[:keep] + "*" * max(3, len(value) - keep)
