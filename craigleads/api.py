"""The API root, and the pieces every app's api.py builds on: strict serializers
(unknown or read-only input fields answer 400 naming them, RELIABILITY_CHECKLIST
API-3) and no-store responses (lead data must not sit in a shared cache, DEP-4)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from django.http import QueryDict
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import BasePagination, LimitOffsetPagination
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.views import APIView

from .roles import role_of

# Query parameters DRF itself reads (pagination, format suffix), which a strict
# query-string serializer lets through without declaring them.
PAGINATION_PARAMS = frozenset({"limit", "offset", "format"})


def reject_unknown_fields(
    serializer: serializers.Serializer[Any], data: Any, allowed: frozenset[str]
) -> None:
    """Raise a 400 naming every input key that is not a writable field, and every
    JSON value of the wrong type.

    DRF silently drops unknown keys, so a client that sends `status` or a misspelt
    field believes it changed something; a mass-assignment attempt looks the same.
    DRF also coerces `0` to false and `5` to "5"; a JSON body gets no such guesses.
    """
    if not isinstance(data, Mapping):
        return  # DRF's own "expected a dictionary" error covers this
    fields = serializer.fields
    writable = {name for name, field in fields.items() if not field.read_only}
    accepted = ", ".join(sorted(writable)) or "none"
    errors: dict[str, list[str]] = {}
    for key in sorted(str(key) for key in data):
        if key in allowed:
            continue
        if key not in writable:
            errors[key] = [
                "This field is read-only and cannot be set."
                if key in fields
                else f"Unknown field. Accepted fields: {accepted}."
            ]
        elif not isinstance(data, QueryDict):
            expected = _json_type_expected(fields[key], data[key])
            if expected:
                errors[key] = [f"Expected {expected}, got {_json_type(data[key])}."]
    if errors:
        raise serializers.ValidationError(errors)


_JSON_NAMES = {bool: "true/false", int: "a number", float: "a number", str: "a string"}


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return _JSON_NAMES.get(type(value), "an object")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# Field kinds in lookup order (subclasses first) -> the JSON type they accept.
_JSON_TYPES: list[tuple[tuple[type, ...], str, Callable[[Any], bool]]] = [
    ((serializers.BooleanField,), "true or false", lambda v: isinstance(v, bool)),
    (
        (serializers.IntegerField, serializers.PrimaryKeyRelatedField),
        "a whole number",
        lambda v: _is_number(v) and isinstance(v, int),
    ),
    ((serializers.FloatField,), "a number", _is_number),
    ((serializers.MultipleChoiceField,), "a list", lambda v: isinstance(v, list)),
    (
        (serializers.CharField, serializers.ChoiceField),
        "a string",
        lambda v: isinstance(v, str),
    ),
    ((serializers.ListField,), "a list", lambda v: isinstance(v, list)),
    ((serializers.DictField,), "an object", lambda v: isinstance(v, dict)),
]


def _json_type_expected(field: Any, value: Any) -> str:
    """What JSON type `field` wants when `value` is not of it, else ""."""
    if value is None:
        return ""  # allow_null decides
    for kinds, expected, accepts in _JSON_TYPES:
        if isinstance(field, kinds):
            return "" if accepts(value) else expected
    return ""


# The bases below carry comments, not docstrings: drf-spectacular would copy a
# base's docstring into the schema of every subclass that has none of its own.


# A Serializer that accepts only its declared writable fields.
class StrictSerializer(serializers.Serializer[Any]):
    allowed_extra_keys: ClassVar[frozenset[str]] = frozenset()

    def to_internal_value(self, data: Any) -> Any:
        reject_unknown_fields(self, data, self.allowed_extra_keys)
        return super().to_internal_value(data)


# Validates a query string; DRF's pagination and format parameters pass, and an
# empty value is refused like any other invalid one (DRF's form handling would
# read `?status=` as "not given").
class StrictQuerySerializer(StrictSerializer):
    allowed_extra_keys = PAGINATION_PARAMS

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            blank = sorted(
                name
                for name, field in self.fields.items()
                if data.get(name) == "" and not getattr(field, "allow_blank", False)
            )
            if blank:
                raise serializers.ValidationError(
                    {name: ["This field may not be blank."] for name in blank}
                )
        return super().to_internal_value(data)


def _all_read_only(
    fields: dict[str, serializers.Field[Any, Any, Any, Any]],
) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    # Set after the fields are built, so blank and null choices stay in the schema.
    for field in fields.values():
        field.read_only, field.required = True, False
    return fields


# A Serializer used only to shape responses: every field is read-only.
class OutputSerializer(StrictSerializer):
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return _all_read_only(super().get_fields())


# A ModelSerializer that accepts only its declared writable fields.
class StrictModelSerializer(serializers.ModelSerializer[Any]):
    def to_internal_value(self, data: Any) -> Any:
        reject_unknown_fields(self, data, frozenset())
        return super().to_internal_value(data)


# A ModelSerializer used only to shape responses: every field is read-only, so
# it can never become a mass-assignment path if someone feeds it input.
class OutputModelSerializer(StrictModelSerializer):
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return _all_read_only(super().get_fields())


_ERROR_BODY = {
    "type": "object",
    "description": '{"detail": "..."}, or each bad field with its messages.',
    "additionalProperties": {},
}
_ERRORS = {
    "400": "The input is malformed; the body names each bad field.",
    "401": "No valid credentials (token or session).",
    "403": "Your role does not allow this.",
    "404": "No such object, or none you may see.",
    "429": "Too many requests; Retry-After says when to come back.",
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error answers every operation can give,
    so clients (and schemathesis' status-code check) know them."""

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        codes = ["401", "403", "429"]
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            codes.append("400")
        if any(p["in"] == "path" for p in parameters):
            codes.append("404")
        responses = operation.setdefault("responses", {})
        for code in sorted(codes):
            responses.setdefault(
                code,
                {
                    "description": _ERRORS[code],
                    "content": {"application/json": {"schema": _ERROR_BODY}},
                },
            )
        return operation


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """limit/offset that refuses a malformed value instead of quietly using the
    default (DRF's behaviour), so a client's mistake is visible."""

    max_limit = 500

    def _read(self, request: Request, name: str, minimum: int, maximum: int) -> int:
        raw = request.query_params.get(name)
        try:
            value = int(raw) if raw is not None else -1
        except ValueError:
            value = -1
        if not minimum <= value <= maximum:
            raise serializers.ValidationError(
                {name: [f"Must be a whole number from {minimum} to {maximum}."]}
            )
        return value

    def get_limit(self, request: Request) -> int | None:
        if self.limit_query_param not in request.query_params:
            return self.default_limit
        return self._read(request, self.limit_query_param, 1, self.max_limit)

    def get_offset(self, request: Request) -> int:
        if self.offset_query_param not in request.query_params:
            return 0
        return self._read(request, self.offset_query_param, 0, 2**31 - 1)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": 2**31 - 1},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


# What every API view shares: no-store responses (they carry lead data, which no
# browser or proxy cache should keep), strict paging, documented error answers.
class ApiMixin:
    # JSON only: form encodings turn `null`, nested objects and booleans into
    # guesses, and scripts speak JSON anyway.
    parser_classes: Sequence[type[BaseParser]] = [JSONParser]
    pagination_class: type[BasePagination] | None = StrictLimitOffsetPagination
    schema: ViewInspector | None = ApiAutoSchema()

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Any:
        response = super().finalize_response(  # type: ignore[misc]
            request, response, *args, **kwargs
        )
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


# The base of every hand-written API view (they return bare lists, unpaged).
class ApiView(ApiMixin, APIView):
    pagination_class = None


class ApiRootView(ApiView):
    """Links to the API's collections, and who you are."""

    @extend_schema(
        responses=inline_serializer(
            "ApiRoot",
            {
                "user": serializers.CharField(),
                "role": serializers.CharField(allow_null=True),
                "leads": serializers.URLField(),
                "scrape_jobs": serializers.URLField(),
                "scrape_queue": serializers.URLField(),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
            },
        )
    )
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
