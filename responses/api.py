"""Replies API: drafts (list, detail, edit, transition, outcome), templates CRUD
with preview, and A/B results. Illegal moves answer 409 with the reason."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import (
    ListAPIView,
    ListCreateAPIView,
    RetrieveUpdateDestroyAPIView,
)
from rest_framework.request import Request
from rest_framework.response import Response

from craigleads.api import (
    ApiMixin,
    ApiView,
    OutputModelSerializer,
    OutputSerializer,
    StrictModelSerializer,
    StrictQuerySerializer,
    StrictSerializer,
)
from leads.models import mask_email
from leads.selectors import leads_for

from . import selectors, sending, services
from .models import Draft, ResponseTemplate
from .templating import validate_template


class DraftOutput(OutputModelSerializer):
    lead_title = serializers.CharField(source="lead.title", read_only=True)
    grade = serializers.CharField(source="lead.qualification_grade", read_only=True)
    template_name = serializers.CharField(
        source="template.name", read_only=True, default=None
    )
    decided_by_rule = serializers.CharField(
        source="decided_by_rule.name", read_only=True, default=None
    )

    class Meta:
        model = Draft
        fields = [
            "id",
            "lead",
            "lead_title",
            "grade",
            "template",
            "template_name",
            "variant",
            "subject",
            "body",
            "to_email",
            "state",
            "decided_by_rule",
            "escalated",
            "approved_at",
            "sent_at",
            "delivered_at",
            "failure",
            "outcome",
            "version",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance: Draft) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("leads.view_contact_details"):
            data["to_email"] = mask_email(instance.to_email)
            for name in ("subject", "body"):
                if name in data:
                    data[name] = instance.lead.masked_text(data[name])
        return data


class DraftEventOutput(OutputSerializer):
    actor = serializers.CharField(source="actor_name")
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    note = serializers.CharField()
    changes = serializers.DictField()
    at = serializers.DateTimeField(source="created_at")


class DraftDetailOutput(DraftOutput):
    events = DraftEventOutput(many=True, read_only=True)

    class Meta(DraftOutput.Meta):
        fields = [*DraftOutput.Meta.fields, "events"]


class DraftEditInput(StrictSerializer):
    subject = serializers.CharField(required=False, max_length=200)
    body = serializers.CharField(required=False, max_length=50000)


class TransitionInput(StrictSerializer):
    to = serializers.ChoiceField(choices=[*Draft.State.values])
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )


class OutcomeInput(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Draft.Outcome.values)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )


def _error(exc: services.DraftError) -> Response:
    return Response({"detail": str(exc)}, status=exc.status)


class DraftListFilters(StrictQuerySerializer):
    state = serializers.ChoiceField(required=False, choices=Draft.State.choices)


class DraftListView(ApiMixin, ListAPIView):
    """Drafts, newest first; `?state=` filters."""

    serializer_class = DraftOutput
    queryset = Draft.objects.none()
    filter_backends: list[Any] = []
    required_permissions = "responses.view_draft"

    @extend_schema(parameters=[DraftListFilters])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        filters = DraftListFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.drafts_for(self.request.user).order_by("-created_at")
        if state := filters.validated_data.get("state"):
            qs = qs.filter(state=state)
        return qs


class DraftDetailView(ApiView):
    required_permissions = {
        "GET": "responses.view_draft",
        "PATCH": "responses.change_draft",
    }

    @extend_schema(responses=DraftDetailOutput)
    def get(self, request: Request, draft_id: int) -> Response:
        draft = get_object_or_404(selectors.drafts_for(request.user), pk=draft_id)
        return Response(DraftDetailOutput(draft, context={"request": request}).data)

    @extend_schema(
        request=DraftEditInput, responses={200: DraftDetailOutput, 409: dict[str, str]}
    )
    def patch(self, request: Request, draft_id: int) -> Response:
        get_object_or_404(selectors.drafts_for(request.user), pk=draft_id)
        data = DraftEditInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            draft = services.edit(
                draft_id=draft_id, actor=request.user, **data.validated_data
            )
        except services.DraftError as exc:
            return _error(exc)
        return Response(DraftDetailOutput(draft, context={"request": request}).data)


class DraftTransitionView(ApiView):
    """Move a draft: approve, reject (a note is the reason), back to review, or
    mark sent. 409 names why a move is illegal."""

    required_permissions = "responses.approve_draft"

    @extend_schema(
        request=TransitionInput, responses={200: DraftDetailOutput, 409: dict[str, str]}
    )
    def post(self, request: Request, draft_id: int) -> Response:
        get_object_or_404(selectors.drafts_for(request.user), pk=draft_id)
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        to, note = data.validated_data["to"], data.validated_data["note"]
        try:
            if to == Draft.State.APPROVED:
                draft = services.approve(
                    draft_id=draft_id, actor=request.user, note=note
                )
            elif to == Draft.State.REJECTED:
                draft = services.reject(
                    draft_id=draft_id, actor=request.user, reason=note
                )
            elif to == Draft.State.SENT:
                draft = sending.mark_sent(draft_id=draft_id, actor=request.user)
            elif to == Draft.State.PENDING_REVIEW:
                draft = services.transition(
                    draft_id=draft_id, to=to, actor=request.user, note=note
                )
            else:
                raise services.IllegalTransition(
                    f"{to} is set by the mailer, not by hand."
                )
        except services.DraftError as exc:
            return _error(exc)
        return Response(DraftDetailOutput(draft, context={"request": request}).data)


class DraftOutcomeView(ApiView):
    required_permissions = "responses.record_outcome"

    @extend_schema(
        request=OutcomeInput, responses={200: DraftDetailOutput, 409: dict[str, str]}
    )
    def post(self, request: Request, draft_id: int) -> Response:
        get_object_or_404(selectors.drafts_for(request.user), pk=draft_id)
        data = OutcomeInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            draft = services.record_outcome(
                draft_id=draft_id, actor=request.user, **data.validated_data
            )
        except services.DraftError as exc:
            return _error(exc)
        return Response(DraftDetailOutput(draft, context={"request": request}).data)


class TemplateSerializer(StrictModelSerializer):
    class Meta:
        model = ResponseTemplate
        fields = [
            "id",
            "name",
            "category",
            "subject_template",
            "body_template",
            "variables",
            "use_count",
            "success_rate",
            "active",
        ]
        read_only_fields = ["variables", "use_count", "success_rate"]

    def validate_subject_template(self, value: str) -> str:
        return _valid_template(value)

    def validate_body_template(self, value: str) -> str:
        return _valid_template(value)


def _valid_template(text: str) -> str:
    errors = validate_template(text)
    if errors:
        raise serializers.ValidationError([str(e) for e in errors])
    return text


class TemplateListView(ApiMixin, ListCreateAPIView):
    serializer_class = TemplateSerializer
    queryset = ResponseTemplate.objects.all()
    filter_backends: list[Any] = []
    required_permissions = {
        "GET": "responses.view_responsetemplate",
        "POST": "responses.add_responsetemplate",
    }


class TemplateDetailView(ApiMixin, RetrieveUpdateDestroyAPIView):
    serializer_class = TemplateSerializer
    queryset = ResponseTemplate.objects.all()
    lookup_url_kwarg = "template_id"
    required_permissions = {
        "GET": "responses.view_responsetemplate",
        "PUT": "responses.change_responsetemplate",
        "PATCH": "responses.change_responsetemplate",
        "DELETE": "responses.delete_responsetemplate",
    }


class PreviewInput(StrictSerializer):
    lead_id = serializers.IntegerField(min_value=1)

    def validate_lead_id(self, value: int) -> int:
        # A missing lead is a bad field (400), not a missing template (404).
        if not leads_for(self.context["request"].user).filter(pk=value).exists():
            raise serializers.ValidationError(f"No lead {value}.")
        return value


class PreviewOutput(OutputSerializer):
    subject = serializers.CharField()
    body = serializers.CharField()


class TemplatePreviewView(ApiView):
    """Render a saved template against a lead (nothing is stored)."""

    required_permissions = "responses.view_responsetemplate"

    @extend_schema(request=PreviewInput, responses=PreviewOutput)
    def post(self, request: Request, template_id: int) -> Response:
        template = get_object_or_404(ResponseTemplate, pk=template_id)
        data = PreviewInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        lead = get_object_or_404(
            leads_for(request.user), pk=data.validated_data["lead_id"]
        )
        preview = services.render_preview(
            template=template, lead=lead, user=request.user
        )
        if not request.user.has_perm("leads.view_contact_details"):
            preview = {k: lead.masked_text(v) for k, v in preview.items()}
        return Response(PreviewOutput(preview).data)


class ABResultsView(ApiView):
    """Per-variant counts, reply rates with 95% intervals, chance to beat control
    and expected loss, or "not enough data yet"."""

    required_permissions = "responses.view_abtest"

    @extend_schema(responses={200: dict[str, Any], 409: dict[str, str]})
    def get(self, request: Request, test_id: int) -> Response:
        from .views import ab_report

        test = get_object_or_404(selectors.list_ab_tests(), pk=test_id)
        try:
            report = ab_report(test)
        except ValueError as exc:  # e.g. a control and no other variant yet
            return Response(
                {"detail": f"This test cannot be analysed yet: {exc}."},
                status=status.HTTP_409_CONFLICT,
            )
        if report is None:
            return Response(
                {
                    "detail": "This test cannot be analysed yet: it needs exactly "
                    "one control variant and at least one other variant."
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response({"test": test.name, **report.as_dict()})
