"""Schema-driven fuzzing of the whole API (RELIABILITY_CHECKLIST API-4).

schemathesis reads the drf-spectacular schema in-process and calls every operation
through the WSGI app as an admin with a token, over seeded data. No input may
produce a 5xx, every documented response must match the schema, input outside the
schema must be refused, and dropping the credentials must be refused.

Bounded: a few examples per operation, no shrinking, no deadline. It runs in the
PostgreSQL run only (marked `postgres`), so the suite pays for it once.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from model_bakery import baker
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from leads.models import Category, Lead, Site

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MAX_EXAMPLES = 8

# Path parameter -> seeded rows it should often point at (random ids mostly 404).
SEEDED: dict[str, list[int]] = {}


def _openapi_document() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


@pytest.fixture
def keep_test_connection() -> Any:
    """The raw WSGI handler closes the database connection after each request;
    that would end the test's transaction (django.test.Client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(
    keep_test_connection: None,
    admin_user: Any,
    defaults: None,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """An admin token over a few leads, drafts, a template, an A/B test and a job;
    throttles lifted so the fuzzer is never answered 429."""
    from rest_framework.authtoken.models import Token
    from rest_framework.throttling import SimpleRateThrottle

    from qualification import services as qualification
    from qualification.models import Criterion
    from responses import services as replies
    from responses.models import ABTest, ABVariant, Draft, ResponseTemplate
    from scraping.models import ScrapeJob

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None}
    )
    settings.SCRAPE_JOBS_PER_MINUTE = 100_000
    settings.SCRAPE_ALLOWED_HOSTS = []  # nothing the fuzzer names is ever fetched

    Criterion.objects.filter(type="keywords").update(
        config={"required": ["python"], "nice_to_have": [], "synonyms": {}}
    )
    sfbay, sof = Site.objects.get(code="sfbay"), Category.objects.get(code="sof")
    leads = []
    for n in range(3):
        lead = baker.make(
            Lead,
            url=f"https://sfbay.craigslist.org/sof/d/x/{n}.html",
            post_id=str(7_991_000_000 + n),
            title="Python developer",
            description="Remote Python work. Write to fuzz@example.com.",
            compensation="$120,000 - $140,000",
            is_remote=True,
            company=f"Fuzz {n}",
            contact_email=f"fuzz{n}@example.com",
            contact_phone="415-555-0134",
            site=sfbay,
            category=sof,
        )
        qualification.qualify_lead(lead_id=lead.pk)
        replies.generate_draft(lead_id=lead.pk)
        leads.append(lead.pk)
    template = ResponseTemplate.objects.filter(category="sof").first() or baker.make(
        ResponseTemplate, name="fuzz", subject_template="Hi", body_template="Hello"
    )
    test = baker.make(ABTest, name="fuzz test")
    baker.make(ABVariant, test=test, template=template, is_control=True)
    SEEDED.clear()
    SEEDED.update(
        lead_id=leads,
        draft_id=list(Draft.objects.values_list("pk", flat=True)),
        template_id=list(ResponseTemplate.objects.values_list("pk", flat=True)),
        criterion_id=list(Criterion.objects.values_list("pk", flat=True)),
        job_id=[baker.make(ScrapeJob).pk],
        test_id=[test.pk],
    )
    return Token.objects.create(user=admin_user).key


def _load_schema() -> Any:
    from craigleads.wsgi import application

    loaded = schemathesis.openapi.from_dict(_openapi_document())
    loaded.app = application
    loaded.config.generation.update(
        max_examples=MAX_EXAMPLES, no_shrink=True, deterministic=True
    )
    return loaded


# Built at collection (pytest-django has set Django up by then); the lazy
# `from_fixture` loader does not work with pytest 9.
schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_api_input_causes_a_server_error_or_breaks_the_schema(
    case: Any, token: str
) -> None:
    # Even generated ids point at a seeded row, so real objects are exercised too.
    for name, value in list((case.path_parameters or {}).items()):
        rows = SEEDED.get(name)
        if rows and isinstance(value, int) and value >= 0 and value % 2 == 0:
            case.path_parameters[name] = rows[value % len(rows)]
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            negative_data_rejection,
            ignored_auth,
        ],
    )
