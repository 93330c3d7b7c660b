"""Reads of reply templates and approval rules."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ApprovalRule, ResponseTemplate


def list_templates() -> QuerySet[ResponseTemplate]:
    return ResponseTemplate.objects.all()


def list_approval_rules() -> QuerySet[ApprovalRule]:
    return ApprovalRule.objects.filter(active=True)
