"""The console in a real browser: log in, start a scrape of the demo site, watch
progress and leads arrive live, open a lead; a viewer sees masked contacts."""

from __future__ import annotations

from typing import Any

import pytest

from craigleads.accounts import create_user
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-test-passphrase-77"


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_operator_scrapes_the_demo_site_and_watches_leads_arrive_live(
    live_console: str, browser_page: Any
) -> None:
    from django.core.management import call_command

    call_command("load_defaults", verbosity=0)
    create_user(username="olga", role="operator", password=PASSWORD)
    page = browser_page
    page.goto(f"{live_console}/")
    assert "/login/" in page.url
    shot(page, "01-login")
    _log_in(page, live_console, "olga")
    page.wait_for_selector("#live-status.on", timeout=10_000)  # socket connected
    shot(page, "02-dashboard-empty")

    # Keep a dashboard open in a second tab: leads must appear there with no reload.
    dashboard = page.context.new_page()
    dashboard.goto(f"{live_console}/")
    dashboard.wait_for_selector("#live-status.on", timeout=10_000)
    assert dashboard.locator("#recent-leads table").count() == 0
    # Toasts leave after a few seconds: note each one as it is added.
    dashboard.evaluate(
        "window.seenToasts = []; new MutationObserver(changes => changes.forEach("
        "c => c.addedNodes.forEach(n => window.seenToasts.push(n.textContent))))"
        ".observe(document.getElementById('toasts'), {childList: true})"
    )

    page.goto(f"{live_console}/scrapes/")
    assert page.input_value("#id_base_url").startswith("http://127.0.0.1:")
    page.check("input[name=sites][value=sfbay]")
    page.check("input[name=sites][value=seattle]")
    page.select_option("#id_category", "sof")
    page.fill("#id_max_pages", "1")
    page.click("text=Start scrape")
    page.wait_for_selector(".tag-running, .tag-succeeded", timeout=20_000)
    shot(page, "03-scrape-running")
    page.wait_for_selector(".tag-succeeded", timeout=60_000)  # table refreshed live
    shot(page, "04-scrape-finished")
    row = page.locator("#job-table tbody tr").first.inner_text()
    assert "sfbay" in row and "seattle" in row

    dashboard.wait_for_selector("#recent-leads table", timeout=20_000)
    # the counters follow without a reload, and grade-A leads were announced
    dashboard.wait_for_function(
        "document.querySelector('#dashboard-stats .num').textContent.trim() !== '0'",
        timeout=20_000,
    )
    toasts = dashboard.evaluate("window.seenToasts")
    assert any(t.startswith("Grade A lead: ") for t in toasts), toasts
    shot(dashboard, "05-dashboard-live-leads")
    page.goto(f"{live_console}/leads/")
    assert page.locator("table.leads tbody tr").count() > 10
    shot(page, "06-leads")
    page.locator("table.leads tbody tr a").first.click()
    page.wait_for_selector("dl.fields")
    assert page.locator("text=original posting").count() == 1
    shot(page, "07-lead-detail")
    refused = [m for m in page.console_messages if "Content Security Policy" in m]
    assert refused == []


def test_viewer_sees_contact_details_masked_in_the_browser(
    live_console: str, browser_page: Any
) -> None:
    from model_bakery import baker

    create_user(username="vera", role="viewer", password=PASSWORD)
    lead = baker.make(
        "leads.Lead",
        url="https://sfbay.craigslist.org/sof/d/a/9.html",
        title="Django developer",
        contact_email="jobs@acme-example.com",
    )
    page = browser_page
    _log_in(page, live_console, "vera")
    page.goto(f"{live_console}/leads/{lead.pk}/")
    text = page.inner_text("main")
    shot(page, "08-viewer-lead-masked")
    assert "jobs@acme-example.com" not in text
    assert "j***@acme-example.com" in text
    assert page.locator("text=Start a scrape").count() == 0
    page.goto(f"{live_console}/scrapes/")
    assert page.locator("text=Start scrape").count() == 0


def test_drafts_from_a_crawl_reach_the_queue_and_one_approval_sends_one_email(
    live_console: str, browser_page: Any, smtp_inbox: Any
) -> None:
    from django.core.management import call_command

    from responses.models import Draft

    call_command("load_defaults", verbosity=0)
    create_user(username="rosa", role="reviewer", password=PASSWORD)
    create_user(username="otto", role="operator", password=PASSWORD)
    page = browser_page
    _log_in(page, live_console, "rosa")
    page.goto(f"{live_console}/replies/queue/")
    page.wait_for_selector("#live-status.on", timeout=10_000)
    assert page.locator("article.draft").count() == 0

    # An operator starts the crawl in another browser context.
    operator = page.context.browser.new_context().new_page()
    _log_in(operator, live_console, "otto")
    operator.goto(f"{live_console}/scrapes/")
    for site in ("sfbay", "newyork", "seattle"):
        operator.check(f"input[name=sites][value={site}]")
    operator.select_option("#id_category", "sof")
    operator.fill("#id_max_pages", "2")
    operator.click("text=Start scrape")
    operator.wait_for_selector(".tag-succeeded", timeout=90_000)

    # Drafts arrive in the reviewer's open queue without a reload.
    page.wait_for_selector("article.draft", timeout=60_000)
    shot(page, "09-queue-live-drafts")
    import time

    def reviewable() -> Any:
        drafts = Draft.objects.filter(state="pending_review", escalated=False)
        return drafts.exclude(to_email="").first()

    deadline = time.monotonic() + 60
    while (with_address := reviewable()) is None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert with_address is not None, "the crawl should yield a draft with an address"
    page.reload()
    page.wait_for_selector(f"#draft-{with_address.pk}")
    # Approved drafts leave the "waiting for review" list; follow this one in "all".
    drafts_before = Draft.objects.count()
    page.goto(f"{live_console}/replies/queue/?state=all")
    page.wait_for_selector(f"#draft-{with_address.pk}")
    page.keyboard.press("j")  # keyboard navigation lands on a draft
    assert page.evaluate("document.activeElement.matches('article.draft')")
    card = page.locator(f"#draft-{with_address.pk}")
    card.locator("button[data-key=a]").click()
    page.wait_for_function(
        "id => document.querySelector('#draft-' + id + ' .tag-delivered')",
        arg=with_address.pk,
        timeout=30_000,
    )
    card.locator("details.audit summary").click()
    shot(page, "10-approved-and-delivered")
    # Every card is still there: a card refreshing itself replaces only itself.
    assert page.locator("article.draft").count() >= drafts_before
    trail = (
        page.locator(f"#draft-{with_address.pk} details.audit ol").text_content() or ""
    )
    for step in ("generated", "pending_review", "approved", "sent", "delivered"):
        assert step in trail
    assert [m.rcpt_tos for m in smtp_inbox.messages] == [[with_address.to_email]]
