"""Qualification API: qualify a lead (stored, or with inline criteria and not
stored), and criteria CRUD."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListCreateAPIView, RetrieveUpdateDestroyAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from craigleads.api import (
    ApiMixin,
    ApiView,
    OutputSerializer,
    StrictModelSerializer,
    StrictSerializer,
)
from leads.selectors import leads_for

from . import selectors, services
from .models import CriteriaProfile, Criterion
from .scoring import FACTORS, HARD_FILTERS
from .validation import CriteriaConfigError, validate_config


class InlineCriterion(StrictSerializer):
    type = serializers.ChoiceField(choices=[*FACTORS, *HARD_FILTERS])
    config = serializers.DictField(required=False, default=dict)
    weight = serializers.FloatField(
        required=False, min_value=0, max_value=100, default=0
    )
    active = serializers.BooleanField(required=False, default=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            attrs["config"] = validate_config(attrs["type"], attrs["config"])
        except CriteriaConfigError as exc:
            raise serializers.ValidationError({"config": str(exc)}) from None
        return attrs


class QualifyInput(StrictSerializer):
    criteria = InlineCriterion(many=True, required=False)
    thresholds = serializers.DictField(
        child=serializers.FloatField(min_value=0, max_value=1), required=False
    )
    profile_id = serializers.IntegerField(required=False, min_value=1)


class QualifyOutput(OutputSerializer):
    score = serializers.FloatField()
    grade = serializers.CharField()
    passed = serializers.BooleanField()
    failed_filter = serializers.CharField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    breakdown = serializers.DictField()
    stored = serializers.BooleanField()


class QualifyLeadView(ApiView):
    """Score a lead. With `criteria` the result is computed with them and not
    stored; otherwise the profile (default: yours) is used and the lead updated."""

    required_permissions = "leads.change_lead"

    @extend_schema(request=QualifyInput, responses=QualifyOutput)
    def post(self, request: Request, lead_id: int) -> Response:
        lead = get_object_or_404(leads_for(request.user), pk=lead_id)
        data = QualifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "criteria" in values:
            config = services.config_from_inline(
                values["criteria"], values.get("thresholds")
            )
            result, stored = services.evaluate_lead(lead=lead, config=config), False
        else:
            profile = selectors.active_profile_for(request.user)
            if "profile_id" in values:
                profile = get_object_or_404(CriteriaProfile, pk=values["profile_id"])
            result, stored = (
                services.qualify_lead(lead_id=lead.pk, profile=profile),
                True,
            )
        return Response(QualifyOutput({**result.as_dict(), "stored": stored}).data)


class CriterionSerializer(StrictModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "profile", "name", "type", "config", "weight", "active"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = str(attrs.get("type") or getattr(self.instance, "type", ""))
        config = attrs.get("config", getattr(self.instance, "config", {}))
        try:
            attrs["config"] = validate_config(kind, config)
        except CriteriaConfigError as exc:
            raise serializers.ValidationError({"config": str(exc)}) from None
        return attrs


class CriterionListView(ApiMixin, ListCreateAPIView):
    """Criteria of every profile; POST adds one (one per type and profile)."""

    serializer_class = CriterionSerializer
    queryset = Criterion.objects.select_related("profile")
    filter_backends: list[Any] = []
    required_permissions = {
        "GET": "qualification.view_criterion",
        "POST": "qualification.add_criterion",
    }


class CriterionDetailView(ApiMixin, RetrieveUpdateDestroyAPIView):
    serializer_class = CriterionSerializer
    queryset = Criterion.objects.select_related("profile")
    lookup_url_kwarg = "criterion_id"
    required_permissions = {
        "GET": "qualification.view_criterion",
        "PUT": "qualification.change_criterion",
        "PATCH": "qualification.change_criterion",
        "DELETE": "qualification.delete_criterion",
    }
