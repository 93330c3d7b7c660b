"""Subject-access export and erasure (RELIABILITY_CHECKLIST PRIV-2, PRIV-3): the
`gdpr` command, the personal-data registry, and the suppression list that keeps
an erased person from coming back with the next scrape."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from craigleads import personal_data
from craigleads.audit import record_event
from craigleads.models import AuditEvent, Suppression
from leads import services as lead_services
from leads.models import Lead
from learning import services as learning
from learning.models import Feedback
from memory import services as memory
from memory.models import MemoryStore
from qualification import services as qualification
from qualification.models import Criterion
from responses import sending
from responses import services as responses
from responses.models import DoNotContact, Draft, DraftEvent
from scraping.fixture_site.data import Posting
from scraping.fixture_site.posting_page import posting_url, render_posting
from scraping.models import ParseFailure, ScrapeJob
from scraping.parsing import parse_posting

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8765"
NAME = "Jane Roe"
EMAIL = "jane.roe@example.org"
PHONE = "(415) 555-0123"
# Every way the fixture's e-mail and phone may have been stored.
TRACES = [EMAIL, "jane.roe%40example.org", "555-0123", "4155550123", NAME]
OTHER_EMAIL = "sam.poe@example.net"


def fixture_page(
    pid: int = 7912345678, **extra: Any
) -> tuple[dict[str, Any], str, str]:
    """A posting page from the fixture site, parsed as the scraper parses it."""
    fields: dict[str, Any] = {
        "pid": pid,
        "site": "sfbay",
        "subarea": "sfc",
        "category": "sof",
        "title": "Python developer for our clinic",
        "hood": "mission district",
        "body_paragraphs": (
            "We need a Python developer to build our booking API with Django and "
            "FastAPI. Fully remote, flexible hours.",
            f"Send a resume to {NAME} at {EMAIL} or call {PHONE}.",
        ),
        "posted": datetime(2026, 11, 1, tzinfo=UTC),
        "updated": None,
        "latitude": None,
        "longitude": None,
        "compensation": "$120,000 - $140,000",
        "company": "Roe Clinic",
        "contact_email": EMAIL,
        "contact_phone": PHONE,
        "is_remote": True,
        **extra,
    }
    posting = Posting(**fields)
    html = render_posting(BASE, posting)
    url = posting_url(BASE, posting)
    return parse_posting(html, url=url).to_dict(), url, html


def record(page: tuple[dict[str, Any], str, str]) -> lead_services.RecordOutcome:
    parsed, url, html = page
    return lead_services.record_posting(parsed=parsed, url=url, body_html=html)


@pytest.fixture
def ready(defaults: None) -> None:
    Criterion.objects.filter(type="keywords").update(
        config={"required": ["python"], "nice_to_have": ["fastapi"], "synonyms": {}}
    )
    Criterion.objects.filter(type="salary").update(
        config={"min_annual": 100000, "max_annual": 160000}
    )


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    """The embedded mode's mail: files under var/outbox."""
    folder = tmp_path / "outbox"
    folder.mkdir()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(folder)
    return folder


@pytest.fixture
def seeded(ready: None, outbox: Path, operator: Any) -> dict[str, Any]:
    """Jane's posting scraped, qualified, replied to (edited, approved, sent into
    the outbox, answered), learnt from, remembered, listed in a scrape job, kept
    as a parse failure and named in the audit log and the admin's history; and
    Sam's posting, which must survive her erasure."""
    outcome = record(fixture_page())
    lead = outcome.lead
    assert outcome.kind == "new" and lead is not None
    assert lead.contact_email == EMAIL and lead.contact_phone == PHONE
    Lead.objects.filter(pk=lead.pk).update(
        contact_name=NAME,
        map_address=f"{NAME}'s clinic, 24th St",
        attributes={"contact": f"ask for {NAME}"},
    )
    qualification.qualify_lead(lead_id=lead.pk)
    draft = responses.generate_draft(lead_id=lead.pk)
    assert draft is not None and draft.to_email == EMAIL
    responses.edit(
        draft_id=draft.pk,
        actor=operator,
        body=f"Hi {NAME},\n\n{draft.body}\nI can also call you at {PHONE}.",
    )
    if draft.state != Draft.State.APPROVED:
        responses.approve(draft_id=draft.pk, actor=operator)
    assert sending.send_draft(draft_id=draft.pk) == "delivered"
    assert len(list(outbox.iterdir())) == 1
    responses.record_outcome(
        draft_id=draft.pk,
        outcome="reply",
        actor=operator,
        note=f"{NAME} <{EMAIL}> wrote back: call me on {PHONE}.",
    )
    Draft.objects.filter(pk=draft.pk).update(
        failure=f"450 {EMAIL}: mailbox busy (first attempt)"
    )
    learning.record_feedback(
        lead_id=lead.pk, kind="reply_received", metadata={"note": f"{NAME} replied"}
    )
    memory.save_context(user_id=operator.pk, name="lead_list", context={"q": EMAIL})
    responses.add_do_not_contact(kind="phone", value=PHONE, reason="asked by phone")
    job = ScrapeJob.objects.create(
        categories=["sof"],
        status=ScrapeJob.Status.FAILED,
        checkpoint={"targets": [{"pending": [lead.url, f"{BASE}/sfbay/x/1.html"]}]},
        error=f"stopped while parsing a page naming {EMAIL}",
    )
    ParseFailure.objects.create(
        url=f"{BASE}/sfbay/sfc/sof/d/old/7912345000.html",
        job=job,
        html=f"<html><body>Write to {EMAIL}</body></html>",
        errors=[f"no title near {PHONE}"],
    )
    record_event(
        action="leads.export",
        actor=operator,
        target=f"leads matching {EMAIL}",
        data={"filters": {"q": EMAIL}},
    )
    LogEntry.objects.create(
        user=operator,
        content_type=ContentType.objects.get_for_model(DoNotContact),
        object_id="1",
        object_repr=f"email: {EMAIL}",
        action_flag=ADDITION,
        change_message=json.dumps([{"added": {"name": EMAIL}}]),
    )
    other = record(
        fixture_page(
            7912349999,
            title="Django contractor wanted",
            body_paragraphs=(
                "Short Django contract for a logistics firm, remote.",
                f"Write to {OTHER_EMAIL}.",
            ),
            company="Poe Freight",
            contact_email=OTHER_EMAIL,
            contact_phone=None,
        )
    ).lead
    assert other is not None
    return {"lead": lead, "draft": Draft.objects.get(pk=draft.pk), "other": other}


def erase(**kwargs: Any) -> personal_data.ErasureReport:
    return personal_data.erase_subject(**kwargs)


def traces_in(text: str) -> dict[str, int]:
    return {trace: text.count(trace) for trace in TRACES if trace in text}


def sqlite_dump() -> str:
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump())


# --- erasure --------------------------------------------------------------------


@pytest.mark.skipif(
    django_settings.IS_POSTGRES, reason="the SQLite dump; PostgreSQL has its own test"
)
def test_erasure_leaves_no_trace_in_a_sqlite_dump(
    seeded: dict[str, Any], outbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    before = sqlite_dump()
    assert before.count(EMAIL) >= 10 and before.count("555-0123") >= 3
    with django_capture_on_commit_callbacks(execute=True):
        report = erase(email=EMAIL)
    assert report.found["leads.Lead"] == 1
    assert traces_in(sqlite_dump()) == {}
    assert list(outbox.iterdir()) == []
    assert Lead.objects.filter(
        pk=seeded["other"].pk, contact_email=OTHER_EMAIL
    ).exists()


def test_erasure_deletes_the_rows_about_the_subject_and_blanks_shared_records(
    seeded: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    lead, draft = seeded["lead"], seeded["draft"]
    with django_capture_on_commit_callbacks(execute=True):
        report = erase(email=f"  {EMAIL.upper()} ")
    assert not Lead.objects.filter(pk=lead.pk).exists()
    assert not Draft.objects.filter(pk=draft.pk).exists()
    assert not DraftEvent.objects.filter(draft_id=draft.pk).exists()
    assert not Feedback.objects.filter(lead_id=lead.pk).exists()
    assert not MemoryStore.objects.filter(key=f"lead:{lead.pk}").exists()
    assert not MemoryStore.objects.filter(memory_type="context").exists()
    assert not DoNotContact.objects.exists()  # the suppression list replaces it
    assert not ParseFailure.objects.exists()
    job = ScrapeJob.objects.get()
    assert job.checkpoint == {"targets": [{"pending": [f"{BASE}/sfbay/x/1.html"]}]}
    assert job.error == "stopped while parsing a page naming [erased]"
    export_audit = AuditEvent.objects.get(action="leads.export")
    assert export_audit.data == {"filters": {"q": "[erased]"}}
    assert export_audit.target == "leads matching [erased]"
    assert LogEntry.objects.get().object_repr == "email: [erased]"
    # The subject's e-mail and phone, and the posting's URL and post id.
    assert set(Suppression.objects.values_list("kind", flat=True)) == {
        "email",
        "phone",
        "url",
        "post_id",
    }
    assert report.erased["leads.Lead"] == 1
    assert report.suppressed == 4


def test_the_audit_row_names_the_subject_by_hash_prefix_only(
    seeded: dict[str, Any],
) -> None:
    erase(email=EMAIL)
    row = AuditEvent.objects.get(action="gdpr.erase")
    stored = json.dumps(row.data) + row.target + row.actor_name
    assert traces_in(stored) == {}
    subject = personal_data.subject_from(email=EMAIL)
    assert row.data["hash_prefix"] == subject.digest[:12]
    assert row.target == f"email {subject.digest[:12]}"
    assert row.data["erased"]["leads.Lead"] == 1
    assert row.data["found"]["responses.Draft"] == 1


def test_suppression_rows_hold_salted_hashes_not_the_identifiers(
    seeded: dict[str, Any], settings: Any
) -> None:
    url, post_id = seeded["lead"].url, seeded["lead"].post_id
    erase(phone="+1 415.555.0123")
    digests = set(Suppression.objects.values_list("digest", flat=True))
    assert personal_data.digest("email", EMAIL) in digests
    assert personal_data.digest("phone", "4155550123") in digests
    assert personal_data.digest("url", url) in digests
    assert personal_data.digest("post_id", post_id) in digests
    assert hashlib.sha256(EMAIL.encode()).hexdigest() not in digests
    settings.SUPPRESSION_SALT = "another-salt"
    assert personal_data.digest("email", EMAIL) not in digests


def test_a_rescrape_of_the_erased_posting_stores_no_lead_and_drafts_nothing(
    seeded: dict[str, Any],
) -> None:
    erase(email=EMAIL)
    drafts = Draft.objects.count()
    again = record(fixture_page())
    assert again.kind == "suppressed" and again.lead is None
    assert not Lead.objects.filter(post_id="7912345678").exists()
    assert not Lead.objects.filter(contact_email__iexact=EMAIL).exists()
    # The same person under a new post id: recognised by e-mail, or by phone only.
    by_email = record(fixture_page(7912340001, contact_phone=None))
    by_phone = record(
        fixture_page(
            7912340002,
            contact_email=None,
            body_paragraphs=("Python developer, Django.", "Call 415-555-0123 today."),
        )
    )
    assert (by_email.kind, by_phone.kind) == ("suppressed", "suppressed")
    assert Draft.objects.count() == drafts
    assert Lead.objects.count() == 1  # Sam's


def test_drafting_and_approving_are_refused_for_a_suppressed_address(
    seeded: dict[str, Any], operator: Any
) -> None:
    erase(email=EMAIL)
    # A lead that reached the table another way (an import, an old backup).
    lead = Lead.objects.create(
        url=f"{BASE}/sfbay/sfc/sof/d/imported/7912340003.html",
        post_id="7912340003",
        title="Python developer",
        description="Python and FastAPI, fully remote.",
        compensation="$120,000 - $140,000",
        is_remote=True,
        contact_email=EMAIL.upper(),
        category=seeded["other"].category,
        site=seeded["other"].site,
    )
    qualification.qualify_lead(lead_id=lead.pk)
    assert responses.generate_draft(lead_id=lead.pk) is None
    draft = Draft.objects.create(
        lead=lead,
        subject="Hello",
        body="Hi",
        to_email=EMAIL,
        state=Draft.State.PENDING_REVIEW,
    )
    with pytest.raises(responses.DraftError, match="erased"):
        responses.approve(draft_id=draft.pk, actor=operator)
    assert Draft.objects.get(pk=draft.pk).state == Draft.State.PENDING_REVIEW
    assert responses.blocked_reason(lead) is not None


def test_erasure_is_all_or_nothing(
    seeded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(findings: personal_data.Findings) -> dict[str, int]:
        raise RuntimeError("disk full")

    # Order 1 erases last, after every other handler has deleted its rows.
    failing = personal_data.Handler(app="broken", order=1, erase=broken)
    personal_data.handlers()
    monkeypatch.setitem(personal_data._registry, "broken", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        erase(email=EMAIL)
    assert Lead.objects.filter(pk=seeded["lead"].pk, contact_email=EMAIL).exists()
    assert Draft.objects.filter(pk=seeded["draft"].pk).exists()
    assert MemoryStore.objects.filter(key=f"lead:{seeded['lead'].pk}").exists()
    assert not Suppression.objects.exists()
    assert not AuditEvent.objects.filter(action="gdpr.erase").exists()


def test_a_second_erasure_finds_nothing_and_adds_no_suppression(
    seeded: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        erase(email=EMAIL)
    entries = Suppression.objects.count()
    again = erase(email=EMAIL)
    assert not again.found_anything and again.suppressed == 0
    assert Suppression.objects.count() == entries


def test_erasing_by_phone_finds_the_leads_that_show_it_in_any_format(
    seeded: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = erase(phone="415 555 0123")
    assert report.found["leads.Lead"] == 1
    assert not Lead.objects.filter(pk=seeded["lead"].pk).exists()
    # The phone's lead showed an e-mail address, which is suppressed as well.
    assert Suppression.objects.filter(
        digest=personal_data.digest("email", EMAIL)
    ).exists()


# --- export ---------------------------------------------------------------------


def export(**kwargs: Any) -> dict[str, Any]:
    out = io.StringIO()
    call_command(
        "gdpr", "export", *[f"--{k}={v}" for k, v in kwargs.items()], stdout=out
    )
    return json.loads(out.getvalue())


def test_export_holds_every_field_declared_personal(seeded: dict[str, Any]) -> None:
    data = export(email=EMAIL)
    records = data["records"]
    declared = personal_data.personal_fields()
    assert declared, "no personal fields declared"
    for label, names in declared.items():
        assert records.get(label), f"{label} missing from the export"
        for name in names:
            column = apps.get_model(label)._meta.get_field(name).attname
            assert any(
                row.get(column) not in (None, "", [], {}) for row in records[label]
            ), f"{label}.{name} is declared personal but empty in the export"
    lead = next(r for r in records["leads.Lead"] if r["id"] == seeded["lead"].pk)
    assert lead["contact_email"] == EMAIL and lead["contact_phone"] == PHONE
    assert EMAIL in lead["body_html"]
    assert records["responses.Draft"][0]["to_email"] == EMAIL
    assert data["subject"] == {"kind": "email", "value": EMAIL}
    assert len(data["files"]) == 1 and EMAIL in next(iter(data["files"].values()))
    assert all(r["id"] != seeded["other"].pk for r in records["leads.Lead"])


def test_every_field_named_like_contact_details_is_declared() -> None:
    """Fails when a model gains an *email*/*phone*/*contact*/*recipient* field
    that no app declared personal (or explained as not personal)."""
    personal = personal_data.personal_fields()
    explained = personal_data.not_personal_fields()
    undeclared = [
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if personal_data.CONTACT_FIELD_NAME.search(f.name)
        and f.name not in personal.get(model._meta.label, set())
        and f.name not in explained.get(model._meta.label, {})
    ]
    assert undeclared == [], (
        "declare these in the app's personal_data.py (personal, or not_personal "
        f"with a reason): {undeclared}"
    )


def test_declared_fields_exist_on_their_models() -> None:
    declared = {
        label: set(names) | set(personal_data.not_personal_fields().get(label, {}))
        for label, names in personal_data.personal_fields().items()
    }
    for label, names in declared.items():
        fields = {f.name for f in apps.get_model(label)._meta.concrete_fields}
        assert names <= fields, f"{label} declares unknown fields {names - fields}"


def test_export_is_audited_without_the_address(seeded: dict[str, Any]) -> None:
    export(email=EMAIL)
    row = AuditEvent.objects.get(action="gdpr.export")
    assert traces_in(json.dumps(row.data) + row.target) == {}
    assert row.data["counts"]["leads.Lead"] == 1


def test_export_writes_a_file_only_its_owner_can_read(
    seeded: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "jane.json"
    out = io.StringIO()
    call_command(
        "gdpr", "export", "--phone", PHONE, "--output", str(target), stdout=out
    )
    assert "records to" in out.getvalue()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = json.loads(target.read_text())
    assert data["subject"] == {"kind": "phone", "value": "4155550123"}
    assert data["records"]["leads.Lead"][0]["contact_email"] == EMAIL


# --- the command ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export"], "exactly one of --email or --phone"),
        (["erase", "--email", EMAIL, "--phone", PHONE], "exactly one"),
        (["erase", "--email", "jane.roe(at)example.org"], "not a valid e-mail"),
        (["export", "--phone", "555-01"], "not a phone number: it has 5 digits"),
    ],
)
def test_bad_input_is_refused_with_a_sentence(
    db: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("gdpr", *args, stdout=io.StringIO())
    assert not AuditEvent.objects.filter(action__startswith="gdpr.").exists()


def test_bad_input_exits_non_zero_from_the_command_line(tmp_path: Path) -> None:
    env = {**os.environ, "CRAIGLEADS_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "gdpr", "erase", "--email", "not-an-address"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "'not-an-address' is not a valid e-mail address." in result.stderr


def test_nothing_found_is_a_sentence_and_exit_zero(db: None) -> None:
    out = io.StringIO()
    call_command("gdpr", "erase", "--email", "nobody@example.com", stdout=out)
    assert "Nothing stored matches that person" in out.getvalue()
    err = io.StringIO()
    call_command(
        "gdpr",
        "export",
        "--email",
        "nobody@example.com",
        stdout=io.StringIO(),
        stderr=err,
    )
    assert "Nothing stored matches that person." in err.getvalue()


def test_erase_prints_what_it_erased(seeded: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("gdpr", "erase", "--email", EMAIL, "--yes", stdout=out)
    assert "leads.Lead: 1" in out.getvalue()
    assert "new suppression entries" in out.getvalue()
    assert not Lead.objects.filter(pk=seeded["lead"].pk).exists()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_erase_asks_on_a_terminal_and_stops_unless_confirmed(
    seeded: dict[str, Any],
) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command(
            "gdpr", "erase", "--email", EMAIL, stdin=Terminal("no\n"), stdout=out
        )
    assert "leads.Lead: 1" in out.getvalue()
    assert Lead.objects.filter(pk=seeded["lead"].pk).exists()
    call_command(
        "gdpr", "erase", "--email", EMAIL, stdin=Terminal("erase\n"), stdout=out
    )
    assert not Lead.objects.filter(pk=seeded["lead"].pk).exists()


def test_erase_without_a_terminal_needs_yes(seeded: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="add --yes"):
        call_command(
            "gdpr",
            "erase",
            "--email",
            EMAIL,
            stdin=io.StringIO(""),
            stdout=io.StringIO(),
        )
    assert Lead.objects.filter(pk=seeded["lead"].pk).exists()


# --- PostgreSQL and Redis ------------------------------------------------------------


def _redis_values(client: Any) -> tuple[int, bytes]:
    """Every key and value of one Redis database, read by type (DUMP compresses)."""
    keys = 0
    blob = bytearray()
    for key in client.scan_iter(count=500):
        keys += 1
        blob += key
        kind = client.type(key)
        if kind == b"string":
            blob += client.get(key) or b""
        elif kind == b"list":
            blob += b"".join(client.lrange(key, 0, -1))
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                blob += field + value
        elif kind == b"set":
            blob += b"".join(client.smembers(key))
        elif kind == b"zset":
            blob += b"".join(client.zrange(key, 0, -1))
    return keys, bytes(blob)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_trace_in_pg_dump_or_redis(
    seeded: dict[str, Any], outbox: Path
) -> None:
    """Committed for real: pg_dump reads the database from another process, and
    the tasks and events queued on commit went through Redis."""
    import redis

    from craigleads.backups import _pg_env_args

    def dump() -> str:
        env, args = _pg_env_args()
        result = subprocess.run(
            [
                "pg_dump",
                "--data-only",
                *args,
                "-d",
                connection.settings_dict["NAME"],
            ],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return result.stdout

    assert dump().count(EMAIL) >= 10
    report = erase(email=EMAIL)
    assert report.found["leads.Lead"] == 1
    assert traces_in(dump()) == {}
    assert list(outbox.iterdir()) == []
    scanned = 0
    for url in {django_settings.REDIS_URL, os.environ.get("CACHE_URL")} - {None}:
        keys, values = _redis_values(redis.Redis.from_url(url))
        scanned += keys
        text = values.decode("utf-8", errors="replace")
        assert traces_in(text) == {}, url
    assert scanned > 0  # the broker's queue and bindings were read
    again = record(fixture_page())
    assert again.kind == "suppressed"
    assert not Lead.objects.filter(post_id="7912345678").exists()
    assert Draft.objects.count() == 0


def test_a_number_with_a_country_code_is_found_and_blanked(db: None) -> None:
    lead = Lead.objects.create(
        url="https://london.craigslist.org/sof/d/x/7912340100.html",
        post_id="7912340100",
        title="Django developer",
        description="Ring +44 20 7946 0958 after 6pm.",
        contact_phone="+44 20 7946 0958",
    )
    record_event(action="note", target="called +44 (20) 7946-0958", data={})
    report = erase(phone="+44 20 7946 0958")
    assert report.found["leads.Lead"] == 1
    assert not Lead.objects.filter(pk=lead.pk).exists()
    assert AuditEvent.objects.get(action="note").target == "called [erased]"
