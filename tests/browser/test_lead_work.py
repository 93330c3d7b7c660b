"""Working the lead list in a real browser: search, keyboard selection, a bulk
re-qualify with its progress bar, editing a saved search, and the pages on a
phone-sized screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from model_bakery import baker
from playwright.sync_api import expect

from craigleads.accounts import create_user
from leads.models import Lead
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-test-passphrase-77"


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.fixture
def leads() -> list[Lead]:
    from django.core.management import call_command

    call_command("load_defaults", verbosity=0)
    made = []
    for i, (title, text) in enumerate(
        [
            ("Logo designer for a bakery", "Menu and logo design, $40/hour."),
            ("Designer needed: brochures", "Print designers welcome, remote ok."),
            ("Python developer", "Django and APIs, $90,000 a year."),
            ("Movers Saturday", "Two people to move a piano."),
        ]
    ):
        made.append(
            baker.make(
                Lead,
                url=f"https://sfbay.craigslist.org/x/{i}.html",
                title=title,
                description=text,
                posted_at=timezone.now(),
            )
        )
    return made


def test_operator_searches_selects_with_keys_and_requalifies_with_progress(
    live_console: str, browser_page: Any, leads: list[Lead]
) -> None:
    create_user(username="otto", role="operator", password=PASSWORD)
    page = browser_page
    _log_in(page, live_console, "otto")
    page.goto(f"{live_console}/leads/")
    assert page.locator("table.leads tbody tr").count() == 4

    page.keyboard.press("/")  # focuses the search box
    page.keyboard.type("designer")
    # the search is in the address, to share or reload; wait for the last keystroke's
    # request ("design" already shows the same two rows) before selecting rows
    page.wait_for_url("**q=designer**")
    page.wait_for_load_state("networkidle")
    expect(page.locator("table.leads tbody tr")).to_have_count(2)
    shot(page, "11-leads-search")

    page.locator("body").click(position={"x": 5, "y": 5})  # leave the search box
    for key in ["j", "x", "j", "x"]:
        page.keyboard.press(key)
    assert page.locator("input[name=lead_ids]:checked").count() == 2
    page.select_option("select[name=action]", "requalify")
    page.click("text=Apply to selected")
    page.wait_for_load_state()
    notice = page.locator("ul.messages").inner_text()
    assert "Re-qualifying 2 lead(s)" in notice, notice
    page.wait_for_selector("text=Re-qualifying 2 selected leads")
    page.wait_for_selector("#rescore progress[value='100']", timeout=30_000)
    shot(page, "12-leads-requalified")
    graded = Lead.objects.exclude(qualification_grade="").order_by("title")
    assert [lead.title for lead in graded] == [
        "Designer needed: brochures",
        "Logo designer for a bakery",
    ]


def test_a_live_refresh_of_the_table_keeps_the_selection_and_the_chosen_action(
    live_console: str, browser_page: Any, leads: list[Lead]
) -> None:
    create_user(username="olga", role="operator", password=PASSWORD)
    page = browser_page
    _log_in(page, live_console, "olga")
    page.goto(f"{live_console}/leads/")
    page.locator("body").click(position={"x": 5, "y": 5})
    for key in ["j", "j", "x"]:
        page.keyboard.press(key)
    page.select_option("select[name=action]", "dnc")
    chosen = page.locator("input[name=lead_ids]:checked").get_attribute("value")

    # What a lead.created event from the socket does: the table re-renders itself.
    with page.expect_response(lambda r: "/leads/?" in r.url):
        page.evaluate("htmx.trigger(document.body, 'lead-created', {})")
    page.wait_for_load_state("networkidle")

    checked = page.locator("input[name=lead_ids]:checked")
    assert checked.count() == 1
    assert checked.get_attribute("value") == chosen
    assert page.eval_on_selector("select[name=action]", "e => e.value") == "dnc"
    focused = page.evaluate("document.activeElement.closest('tr') !== null")
    assert focused, "the focused row should keep the focus"
    page.keyboard.press("x")  # the focus is still on that row: x unselects it
    assert page.locator("input[name=lead_ids]:checked").count() == 0


def test_pages_fit_a_phone_screen(
    live_console: str, browser_page: Any, leads: list[Lead]
) -> None:
    create_user(username="vera", role="viewer", password=PASSWORD)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_console, "vera")
    for path, name in [("/", "13-phone-dashboard"), ("/leads/", "14-phone-leads")]:
        page.goto(f"{live_console}{path}")
        # the page itself never scrolls sideways; wide tables scroll in their box
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        shot(page, name)
        assert overflow <= 1, f"{path} is {overflow}px wider than the screen"
