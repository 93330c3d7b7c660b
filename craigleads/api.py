"""The API root: what a script can reach under /api/v1/."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .roles import role_of


class ApiRootView(APIView):
    """Links to the API's collections, and who you are."""

    @extend_schema(responses={200: dict[str, Any]})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "user": request.user.get_username(),
                "role": role_of(request.user),
                "leads": reverse("api-leads", request=request),
                "scrape_jobs": reverse("api-scrape-jobs", request=request),
                "scrape_queue": reverse("api-scrape-queue", request=request),
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
            }
        )
