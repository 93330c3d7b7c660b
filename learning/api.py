"""Learning API: feedback on a lead, advice for a lead or features, metrics."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from craigleads.api import ApiView, OutputModelSerializer, StrictSerializer
from leads.selectors import leads_for

from . import services
from .agent import STATE_FEATURES
from .models import Feedback


class FeedbackInput(StrictSerializer):
    action = serializers.ChoiceField(choices=Feedback.Kind.values)
    reward = serializers.FloatField(required=False, min_value=-1000, max_value=1000)
    metadata = serializers.DictField(required=False, default=dict)


def _visible_lead(serializer: serializers.Serializer[Any], value: int) -> int:
    # A lead named in the body that does not exist (or is not yours to see) is a
    # bad field: 400 naming it, not a 404 for the whole URL.
    if not leads_for(serializer.context["request"].user).filter(pk=value).exists():
        raise serializers.ValidationError(f"No lead {value}.")
    return value


class MlFeedbackInput(FeedbackInput):
    lead_id = serializers.IntegerField(min_value=1)

    def validate_lead_id(self, value: int) -> int:
        return _visible_lead(self, value)


class FeedbackOutput(OutputModelSerializer):
    class Meta:
        model = Feedback
        fields = ["id", "lead", "kind", "reward", "state_key", "advice", "created_at"]


def _record(request: Request, lead_id: int, data: dict[str, Any]) -> Response:
    lead = get_object_or_404(leads_for(request.user), pk=lead_id)
    feedback = services.record_feedback(
        lead_id=lead.pk,
        kind=data["action"],
        reward=data.get("reward"),
        metadata=data.get("metadata"),
        source="api",
    )
    return Response(FeedbackOutput(feedback).data, status=status.HTTP_201_CREATED)


class LeadFeedbackView(ApiView):
    """Tell the advisor what the team decided about a lead, or what came back."""

    required_permissions = "leads.change_lead"

    @extend_schema(request=FeedbackInput, responses={201: FeedbackOutput})
    def post(self, request: Request, lead_id: int) -> Response:
        data = FeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _record(request, lead_id, data.validated_data)


class MlFeedbackView(ApiView):
    required_permissions = "leads.change_lead"

    @extend_schema(request=MlFeedbackInput, responses={201: FeedbackOutput})
    def post(self, request: Request) -> Response:
        data = MlFeedbackInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return _record(request, data.validated_data["lead_id"], data.validated_data)


class PredictInput(StrictSerializer):
    lead_id = serializers.IntegerField(required=False, min_value=1)
    features = serializers.DictField(
        child=serializers.FloatField(allow_null=True), required=False
    )

    def validate_lead_id(self, value: int) -> int:
        return _visible_lead(self, value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "lead_id" not in attrs and "features" not in attrs:
            raise serializers.ValidationError("Give lead_id or features.")
        unknown = sorted(set(attrs.get("features") or {}) - set(STATE_FEATURES))
        if unknown:
            raise serializers.ValidationError(
                f"Unknown features {unknown}; use {list(STATE_FEATURES)}."
            )
        return attrs


class PredictView(ApiView):
    """The advisor's action for a lead or for raw state features."""

    required_permissions = "leads.view_lead"

    @extend_schema(request=PredictInput, responses=dict[str, Any])
    def post(self, request: Request) -> Response:
        data = PredictInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        lead = None
        if "lead_id" in data.validated_data:
            lead = get_object_or_404(
                leads_for(request.user), pk=data.validated_data["lead_id"]
            )
        advice = services.advise(lead=lead, raw=data.validated_data.get("features"))
        return Response(advice.as_dict())


class MetricsView(ApiView):
    required_permissions = "leads.view_lead"

    @extend_schema(responses=dict[str, Any])
    def get(self, request: Request) -> Response:
        return Response(services.metrics())
