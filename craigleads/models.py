"""The audit log: who did what sensitive thing, when."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One sensitive action (login, role change, export, send, erasure, policy)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class Suppression(models.Model):
    """A salted hash of something an erased person can be recognised by again: an
    e-mail address, a phone number, or the URL or post id of their posting.

    Erasure keeps only these rows, so that a later scrape of the same posting can
    neither re-create a contactable lead nor draft a reply (GDPR Art. 17, 21(3)).
    The raw value is never stored; see craigleads.personal_data.digest.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "e-mail address"
        PHONE = "phone", "phone number"
        URL = "url", "posting URL"
        POST_ID = "post_id", "Craigslist post id"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.digest[:12]}…"
