"""Scraper API: create, list, read and cancel jobs; queue status."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from craigleads.api import (
    ApiMixin,
    ApiView,
    OutputModelSerializer,
    OutputSerializer,
    StrictSerializer,
)
from leads.models import Site

from . import selectors, services
from .models import ScrapeJob


class JobOutput(OutputModelSerializer):
    location_ids = serializers.SerializerMethodField()
    sites = serializers.SerializerMethodField()

    class Meta:
        model = ScrapeJob
        fields = [
            "id",
            "status",
            "location_ids",
            "sites",
            "categories",
            "keywords",
            "max_pages",
            "priority",
            "pages",
            "seen",
            "new",
            "updated",
            "reposts",
            "duplicates",
            "failures",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_location_ids(self, job: ScrapeJob) -> list[int]:
        return [site.pk for site in job.sites.all()]

    def get_sites(self, job: ScrapeJob) -> list[str]:
        return [site.code for site in job.sites.all()]


class JobInput(StrictSerializer):
    location_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=50
    )
    categories = serializers.ListField(
        child=serializers.CharField(max_length=12), min_length=1, max_length=20
    )
    keywords = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default=""
    )
    max_pages = serializers.IntegerField(
        required=False, min_value=1, max_value=50, default=3
    )
    priority = serializers.IntegerField(
        required=False, min_value=0, max_value=9, default=5
    )
    base_url = serializers.URLField(required=False, allow_blank=True, default="")

    def validate_location_ids(self, value: list[int]) -> list[int]:
        known = set(Site.objects.filter(pk__in=value).values_list("pk", flat=True))
        if missing := sorted(set(value) - known):
            raise serializers.ValidationError(f"Unknown location id: {missing}.")
        return value


class QueueStatusOutput(OutputSerializer):
    queued = serializers.IntegerField()
    running = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    live_fetching_enabled = serializers.BooleanField()


class JobListCreateView(ApiMixin, ListAPIView):
    """GET: scrape jobs, newest first. POST: start a job."""

    serializer_class = JobOutput
    queryset = ScrapeJob.objects.none()
    required_permissions = {
        "GET": "scraping.view_scrapejob",
        "POST": "scraping.run_scrape",
    }

    def get_queryset(self) -> Any:
        return selectors.list_jobs()

    @extend_schema(request=JobInput, responses={201: JobOutput})
    def post(self, request: Request) -> Response:
        data = JobInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        codes = Site.objects.filter(pk__in=values["location_ids"]).values_list(
            "code", flat=True
        )
        try:
            job = services.create_job(
                site_codes=list(codes),
                category_codes=values["categories"],
                keywords=values["keywords"],
                max_pages=values["max_pages"],
                priority=values["priority"],
                base_url=values["base_url"],
                created_by=request.user,
            )
        except services.ScrapeRateLimited as exc:
            return Response(
                {"detail": str(exc)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(exc.retry_after)},
            )
        except services.ScrapeError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(JobOutput(job).data, status=status.HTTP_201_CREATED)


class JobDetailView(ApiView):
    required_permissions = "scraping.view_scrapejob"

    @extend_schema(responses=JobOutput)
    def get(self, request: Request, job_id: int) -> Response:
        job = get_object_or_404(selectors.list_jobs(), pk=job_id)
        return Response(JobOutput(job).data)


class JobCancelView(ApiView):
    required_permissions = "scraping.run_scrape"

    @extend_schema(request=None, responses={200: JobOutput, 409: dict[str, str]})
    def post(self, request: Request, job_id: int) -> Response:
        job = get_object_or_404(selectors.list_jobs(), pk=job_id)
        if not services.cancel_job(job_id=job.pk, actor=request.user):
            return Response(
                {"detail": f"Job {job.pk} has already finished ({job.status})."},
                status=status.HTTP_409_CONFLICT,
            )
        job.refresh_from_db()
        return Response(JobOutput(job).data)


class QueueStatusView(ApiView):
    required_permissions = "scraping.view_scrapejob"

    @extend_schema(responses=QueueStatusOutput)
    def get(self, request: Request) -> Response:
        counts = dict(
            ScrapeJob.objects.values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        body = {s.value: counts.get(s.value, 0) for s in ScrapeJob.Status}
        body["live_fetching_enabled"] = services.get_policy().live_fetching_enabled
        return Response(QueueStatusOutput(body).data)
