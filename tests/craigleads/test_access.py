"""Every URL pattern, for every role, against an explicit access matrix.

A new URL fails `test_every_url_pattern_is_in_the_matrix` until it is given a row
here, so no page or endpoint ships without a decision about who may use it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from model_bakery import baker

from tests.conftest import client_for

ROLES = ["admin", "operator", "reviewer", "viewer", "roleless", "anonymous"]

ALLOW, DENY, LOGIN = "allow", "deny", "login"
PAGE_VIEW = dict.fromkeys(["admin", "operator", "reviewer", "viewer"], ALLOW) | {
    "roleless": DENY,
    "anonymous": LOGIN,
}
PAGE_RUN = {
    "admin": ALLOW,
    "operator": ALLOW,
    "reviewer": DENY,
    "viewer": DENY,
    "roleless": DENY,
    "anonymous": LOGIN,
}
PAGE_ADMIN = {
    "admin": ALLOW,
    "operator": DENY,
    "reviewer": DENY,
    "viewer": DENY,
    "roleless": DENY,
    "anonymous": LOGIN,
}
PAGE_DECIDE = {
    "admin": ALLOW,
    "operator": ALLOW,
    "reviewer": ALLOW,
    "viewer": DENY,
    "roleless": DENY,
    "anonymous": LOGIN,
}
API_VIEW = PAGE_VIEW | {"anonymous": DENY}
API_DECIDE = PAGE_DECIDE | {"anonymous": DENY}
API_RUN = PAGE_RUN | {"anonymous": DENY}
DJANGO_ADMIN = {"admin": ALLOW} | dict.fromkeys(
    ["operator", "reviewer", "viewer", "roleless", "anonymous"], LOGIN
)
OPEN = dict.fromkeys(ROLES, ALLOW)


# url name -> (method, expected outcome per role)
MATRIX: dict[str, tuple[str, dict[str, str]]] = {
    "login": ("GET", OPEN),
    "logout": ("POST", dict.fromkeys(ROLES, LOGIN)),
    "healthz": ("GET", OPEN),
    "api-root": ("GET", API_VIEW),
    "api-leads": ("GET", API_VIEW),
    "api-lead-detail": ("GET", API_VIEW),
    "api-lead-similar": ("GET", API_VIEW),
    "api-memory-search": ("GET", API_VIEW),
    "api-scrape-jobs": ("POST", API_RUN),
    "api-scrape-job": ("GET", API_VIEW),
    "api-scrape-job-cancel": ("POST", API_RUN),
    "api-scrape-queue": ("GET", API_VIEW),
    "api-schema": ("GET", API_VIEW),
    "api-docs": ("GET", API_VIEW),
    "leads:dashboard": ("GET", PAGE_VIEW),
    "leads:list": ("GET", PAGE_VIEW),
    "leads:detail": ("GET", PAGE_VIEW),
    "leads:memory": ("GET", PAGE_VIEW),
    "leads:export": ("GET", PAGE_VIEW),
    "leads:bulk": ("POST", PAGE_RUN),
    "scraping:scrapes": ("GET", PAGE_VIEW),
    "scraping:start": ("POST", PAGE_RUN),
    "scraping:cancel": ("POST", PAGE_RUN),
    "scraping:save-search": ("POST", PAGE_RUN),
    "scraping:toggle-search": ("POST", PAGE_RUN),
    "scraping:edit-search": ("GET", PAGE_RUN),
    "scraping:policy": ("POST", PAGE_ADMIN),
    "responses:queue": ("GET", PAGE_VIEW),
    "responses:draft": ("GET", PAGE_VIEW),
    "responses:lead-drafts": ("GET", PAGE_VIEW),
    "responses:approve": ("POST", PAGE_DECIDE),
    "responses:reject": ("POST", PAGE_DECIDE),
    "responses:edit": ("POST", PAGE_DECIDE),
    "responses:mark-sent": ("POST", PAGE_DECIDE),
    "responses:outcome": ("POST", PAGE_DECIDE),
    "responses:bulk-approve": ("POST", PAGE_DECIDE),
    "responses:template-new": ("GET", PAGE_VIEW),
    "responses:template-edit": ("GET", PAGE_VIEW),
    "responses:template-preview": ("POST", PAGE_VIEW),
    "responses:ab-tests": ("GET", PAGE_VIEW),
    "responses:optout": ("GET", OPEN),
    "responses:alerts": ("GET", PAGE_VIEW),
    "responses:alerts-test": ("POST", PAGE_VIEW),
    "api-drafts": ("GET", API_VIEW),
    "api-draft": ("GET", API_VIEW),
    "api-draft-transition": ("POST", API_DECIDE),
    "api-draft-outcome": ("POST", API_DECIDE),
    "api-templates": ("GET", API_VIEW),
    "api-template": ("GET", API_VIEW),
    "api-template-preview": ("POST", API_VIEW),
    "api-ab-results": ("GET", API_VIEW),
    "learning:lead-advice": ("GET", PAGE_VIEW),
    "learning:advisor": ("GET", PAGE_VIEW),
    "learning:rollback": ("POST", PAGE_ADMIN),
    "api-lead-feedback": ("POST", API_RUN),
    "api-ml-feedback": ("POST", API_RUN),
    "api-ml-predict": ("POST", API_VIEW),
    "api-ml-metrics": ("GET", API_VIEW),
    "qualification:criteria": ("GET", PAGE_VIEW),
    "qualification:preview": ("POST", PAGE_RUN),
    "qualification:save": ("POST", PAGE_RUN),
    "qualification:rescore": ("GET", PAGE_VIEW),
    "qualification:lead-score": ("GET", PAGE_VIEW),
    "qualification:requalify": ("POST", PAGE_RUN),
    "api-lead-qualify": ("POST", API_RUN),
    "api-qualify": ("POST", API_RUN),
    "api-criteria": ("GET", API_VIEW),
    "api-criterion": ("GET", API_VIEW),
    "responses:templates": ("GET", PAGE_VIEW),
}


def _walk(patterns: list[Any], namespace: str = "") -> list[str]:
    names: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns == "admin":
                continue  # Django admin is covered model by model below
            prefix = f"{namespace}{ns}:" if ns else namespace
            names += _walk(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(namespace + pattern.name)
    return names


def test_every_url_pattern_is_in_the_matrix() -> None:
    names = set(_walk(get_resolver().url_patterns))
    missing = sorted(names - set(MATRIX))
    assert not missing, f"add these URL names to the access matrix: {missing}"


@pytest.fixture
def objects(db: Any) -> dict[str, Any]:
    lead = baker.make("leads.Lead", url="https://sfbay.craigslist.org/sof/d/x/1.html")
    job = baker.make("scraping.ScrapeJob")
    search = baker.make("scraping.SavedSearch", category=baker.make("leads.Category"))
    profile = baker.make("qualification.CriteriaProfile", is_default=True)
    criterion = baker.make("qualification.Criterion", profile=profile, type="salary")
    run = baker.make("qualification.RescoreRun", profile=profile)
    template = baker.make(
        "responses.ResponseTemplate", subject_template="{{title}}", body_template="Hi"
    )
    draft = baker.make(
        "responses.Draft", lead=lead, template=template, state="pending_review"
    )
    test = baker.make("responses.ABTest")
    from responses.sending import optout_token

    return {
        "draft_id": draft.pk,
        "template_id": template.pk,
        "test_id": test.pk,
        "token": optout_token("someone@example.com"),
        "version": 1,
        "fmt": "csv",
        "lead_id": lead.pk,
        "job_id": job.pk,
        "search_id": search.pk,
        "criterion_id": criterion.pk,
        "run_id": run.pk,
    }


def _url(name: str, objects: dict[str, Any]) -> str:
    pattern_kwargs = {
        "leads:detail": ["lead_id"],
        "leads:memory": ["lead_id"],
        "leads:export": ["fmt"],
        "api-lead-detail": ["lead_id"],
        "api-lead-similar": ["lead_id"],
        "api-scrape-job": ["job_id"],
        "api-scrape-job-cancel": ["job_id"],
        "scraping:cancel": ["job_id"],
        "scraping:toggle-search": ["search_id"],
        "scraping:edit-search": ["search_id"],
        "qualification:rescore": ["run_id"],
        "qualification:lead-score": ["lead_id"],
        "qualification:requalify": ["lead_id"],
        "api-lead-qualify": ["lead_id"],
        "api-qualify": ["lead_id"],
        "api-criterion": ["criterion_id"],
        "learning:lead-advice": ["lead_id"],
        "learning:rollback": ["version"],
        "api-lead-feedback": ["lead_id"],
        "responses:draft": ["draft_id"],
        "responses:lead-drafts": ["lead_id"],
        "responses:approve": ["draft_id"],
        "responses:reject": ["draft_id"],
        "responses:edit": ["draft_id"],
        "responses:mark-sent": ["draft_id"],
        "responses:outcome": ["draft_id"],
        "responses:template-edit": ["template_id"],
        "responses:optout": ["token"],
        "api-draft": ["draft_id"],
        "api-draft-transition": ["draft_id"],
        "api-draft-outcome": ["draft_id"],
        "api-template": ["template_id"],
        "api-template-preview": ["template_id"],
        "api-ab-results": ["test_id"],
    }.get(name, [])
    return reverse(name, kwargs={k: objects[k] for k in pattern_kwargs})


def _user_for(role: str, make_user: Any, roleless: Any) -> Any:
    if role == "anonymous":
        return None
    if role == "roleless":
        return roleless
    return make_user(role)


def _outcome(response: Any) -> str:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return LOGIN
    if response.status_code in (401, 403):
        return DENY
    assert response.status_code not in (404, 405), (
        f"{response.status_code} means the matrix names the wrong method or object"
    )
    assert response.status_code < 500
    return ALLOW


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_gets_exactly_the_access_the_matrix_grants(
    name: str, role: str, objects: dict[str, Any], make_user: Any, roleless: Any
) -> None:
    method, expected = MATRIX[name]
    client = client_for(_user_for(role, make_user, roleless))
    url = _url(name, objects)
    response = client.post(url) if method == "POST" else client.get(url)
    assert _outcome(response) == expected[role], (
        f"{role} {method} {url}: got {response.status_code}"
    )


API_ADMIN = PAGE_ADMIN | {"anonymous": DENY}
# The other methods of URLs whose first method is in MATRIX: writes through the
# API and the POST side of pages that also answer GET.
MORE_METHODS: list[tuple[str, str, dict[str, str]]] = [
    ("api-scrape-jobs", "GET", API_VIEW),
    ("api-draft", "PATCH", API_DECIDE),
    ("api-templates", "POST", API_RUN),
    ("api-template", "PUT", API_RUN),
    ("api-template", "PATCH", API_RUN),
    ("api-template", "DELETE", API_ADMIN),
    ("api-criteria", "POST", API_RUN),
    ("api-criterion", "PATCH", API_RUN),
    ("api-criterion", "DELETE", API_RUN),
    ("responses:template-new", "POST", PAGE_RUN),
    ("responses:template-edit", "POST", PAGE_RUN),
    ("scraping:edit-search", "POST", PAGE_RUN),
    ("responses:alerts", "POST", PAGE_VIEW),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "expected"),
    MORE_METHODS,
    ids=[f"{name}-{method}" for name, method, _ in MORE_METHODS],
)
def test_each_further_method_is_checked_against_the_role(
    name: str,
    method: str,
    expected: dict[str, str],
    role: str,
    objects: dict[str, Any],
    make_user: Any,
    roleless: Any,
) -> None:
    client = client_for(_user_for(role, make_user, roleless))
    url = _url(name, objects)
    if name.startswith("api-"):
        response = client.generic(method, url, "{}", content_type="application/json")
    else:
        response = client.post(url)
    assert _outcome(response) == expected[role], (
        f"{role} {method} {url}: got {response.status_code}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_django_admin_is_for_admins_only(
    role: str, make_user: Any, roleless: Any
) -> None:
    client = client_for(_user_for(role, make_user, roleless))
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    for url in urls:
        response = client.get(url)
        outcome = LOGIN if response.status_code == 302 else _outcome(response)
        assert outcome == DJANGO_ADMIN[role], (
            f"{role} GET {url}: {response.status_code}"
        )


def test_viewer_sees_contact_details_masked_and_operator_sees_them(
    viewer: Any, operator: Any
) -> None:
    lead = baker.make(
        "leads.Lead",
        url="https://sfbay.craigslist.org/sof/d/y/2.html",
        contact_email="hiring.manager@acme-example.com",
        contact_phone="415-555-0134",
    )
    page = (
        client_for(viewer).get(reverse("leads:detail", args=[lead.pk])).content.decode()
    )
    assert "hiring.manager@acme-example.com" not in page
    assert "h***@acme-example.com" in page
    assert "415-555-0134" not in page
    api = client_for(viewer).get(reverse("api-lead-detail", args=[lead.pk])).json()
    assert api["contact_email"] == "h***@acme-example.com"
    page = (
        client_for(operator)
        .get(reverse("leads:detail", args=[lead.pk]))
        .content.decode()
    )
    assert "hiring.manager@acme-example.com" in page
