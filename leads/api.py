"""Lead API: list with filters, detail. Contact details are masked for roles
without `leads.view_contact_details`."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from craigleads.api import (
    ApiMixin,
    ApiView,
    OutputModelSerializer,
    OutputSerializer,
    StrictQuerySerializer,
)
from memory import services as memory

from . import selectors
from .models import Lead

_LIST_FIELDS = [
    "id",
    "post_id",
    "url",
    "title",
    "site",
    "category",
    "status",
    "dedup_class",
    "original_id",
    "compensation",
    "salary_min_annual",
    "salary_max_annual",
    "employment_type",
    "is_remote",
    "hood",
    "price",
    "qualification_score",
    "qualification_grade",
    "qualification_passed",
    "posted_at",
    "scraped_at",
]
_CONTACT_FIELDS = ["contact_name", "contact_email", "contact_phone"]


class LeadListOutput(OutputModelSerializer):
    site: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    category: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    original_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Lead
        fields = _LIST_FIELDS

    def to_representation(self, instance: Lead) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("leads.view_contact_details"):
            data.update(instance.masked_fields(data))
        return data


class LeadDetailOutput(LeadListOutput):
    class Meta:
        model = Lead
        fields = [
            *_LIST_FIELDS,
            "description",
            "is_internship",
            "is_nonprofit",
            "experience_level",
            "job_title",
            "company",
            *_CONTACT_FIELDS,
            "map_address",
            "latitude",
            "longitude",
            "currency",
            "bedrooms",
            "bathrooms",
            "sqft",
            "images",
            "attributes",
            "notices",
            "source_updated_at",
            "repost_of",
            "qualification_reasons",
        ]


class LeadListFilters(StrictQuerySerializer):
    qualified_only = serializers.BooleanField(required=False, default=False)
    min_score = serializers.FloatField(required=False, min_value=0, max_value=1)
    location_id = serializers.IntegerField(required=False, min_value=1)
    grade = serializers.ChoiceField(required=False, choices=list("ABCDF"))
    category = serializers.CharField(required=False, max_length=12)
    site = serializers.CharField(required=False, max_length=40)
    status = serializers.ChoiceField(required=False, choices=Lead.Status.choices)
    q = serializers.CharField(required=False, max_length=200)


class LeadListView(ApiMixin, ListAPIView):
    """Leads, newest first, filtered by the query parameters."""

    serializer_class = LeadListOutput
    queryset = Lead.objects.none()
    filter_backends: list[Any] = []

    @extend_schema(parameters=[LeadListFilters])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        filters = LeadListFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.list_leads(
            user=self.request.user, filters=filters.validated_data
        )


class LeadDetailView(ApiView):
    """One lead with every field."""

    @extend_schema(responses=LeadDetailOutput)
    def get(self, request: Request, lead_id: int) -> Response:
        lead = get_object_or_404(selectors.leads_for(request.user), pk=lead_id)
        return Response(LeadDetailOutput(lead, context={"request": request}).data)


class SimilarOutput(OutputSerializer):
    lead_id = serializers.IntegerField()
    title = serializers.CharField()
    site = serializers.CharField(allow_null=True)
    score = serializers.FloatField()
    dedup_class = serializers.CharField()


def _similar_rows(
    request: Request, found: list[tuple[int, float]]
) -> list[dict[str, Any]]:
    leads = selectors.leads_for(request.user).in_bulk([pk for pk, _ in found])
    masked = not request.user.has_perm("leads.view_contact_details")
    return [
        {
            "lead_id": pk,
            "title": leads[pk].masked_text(leads[pk].title)
            if masked
            else leads[pk].title,
            "site": getattr(leads[pk].site, "code", None),
            "score": score,
            "dedup_class": leads[pk].dedup_class,
        }
        for pk, score in found
        if pk in leads
    ]


class TopK(StrictQuerySerializer):
    k = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)
    q = serializers.CharField(required=False, max_length=2000)


class SimilarLeadsView(ApiView):
    """Leads whose text is nearest to this one's (reposts, look-alikes)."""

    @extend_schema(parameters=[TopK], responses=SimilarOutput(many=True))
    def get(self, request: Request, lead_id: int) -> Response:
        lead = get_object_or_404(selectors.leads_for(request.user), pk=lead_id)
        params = TopK(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = memory.similar_leads(
            lead_id=lead.pk, k=params.validated_data["k"], minimum=0.0
        )
        return Response(SimilarOutput(_similar_rows(request, found), many=True).data)


class MemorySearchView(ApiView):
    """Leads nearest to a free-text query, best first."""

    @extend_schema(parameters=[TopK], responses=SimilarOutput(many=True))
    def get(self, request: Request) -> Response:
        params = TopK(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = (params.validated_data.get("q") or "").strip()
        if not query:
            return Response({"q": ["Give some text to search for."]}, status=400)
        found = memory.nearest_leads(text=query, k=params.validated_data["k"])
        return Response(SimilarOutput(_similar_rows(request, found), many=True).data)
