"""Parse one Craigslist posting page, of any era, into a `ParsedPosting`.

Every field is read from the page itself, with sources tried from the most to the
least specific (see CRAIGSLIST_MARKUP.md §3). Nothing here raises: a page that
cannot be read becomes status `unparseable` with the reason in `errors`.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser

from scraping.parsing import media
from scraping.parsing.attributes import (
    AttributeReading,
    add_employment_types,
    job_facts,
    read_attributes,
)
from scraping.parsing.dom import (
    classes,
    html_fragment_text,
    nesting_error,
    node_line,
    parse_html,
    render_text,
)
from scraping.parsing.housing import read_housing, read_location
from scraping.parsing.identity import read_identity
from scraping.parsing.page import PostingPage, inside, inside_class
from scraping.parsing.scripts import (
    flatten_json_ld,
    js_value,
    json_ld_blocks,
    script_texts,
)
from scraping.parsing.text import (
    clean_or_none,
    decode_document,
    find_emails,
    find_phones,
    iso_datetime,
    iso_from_classic_date,
    normalise_line,
    to_number,
)
from scraping.parsing.types import ParsedPosting, PostingStatus

logger = logging.getLogger(__name__)

# Removed-posting notices (gen A to E) and the status each means.
_GONE_PATTERNS: tuple[tuple[re.Pattern[str], PostingStatus], ...] = (
    (
        re.compile(r"flagged for removal|has been flagged|removed by craigslist", re.I),
        "flagged",
    ),
    (re.compile(r"(?:posting|post|ad) has been (?:deleted|removed)", re.I), "deleted"),
    (re.compile(r"deleted by (?:its|the) author", re.I), "deleted"),
    (re.compile(r"(?:posting|post|ad) has expired", re.I), "expired"),
)
_BLOCKED = re.compile(
    r"your request has been blocked|blockid=|ip has been automatically blocked", re.I
)
_CLASSIC_PREFIX = re.compile(
    r"^(?P<price>[$€£]\s?\d[\d,.]{0,15})?\s{0,3}/?\s{0,3}(?P<br>\d{1,2}br)?\s{0,3}-?\s{0,3}"
    r"(?P<ft>\d{1,7}\s?(?:ft²|ft2|m²|m2))?\s{0,3}-\s{1,3}",
    re.I,
)
_TRAILING_HOOD = re.compile(r"\(([^()]{1,100})\)\s*$")
_BODY_SKIP = (
    ".print-information",
    ".print-qrcode-container",
    "a.show-contact",
    "ul.blurbs",
    'table[summary*="images"]',
    ".iw",
    "#iwt",
    "#thumbs",
    "figure",
)
_BOILERPLATE_LINES = {"qr code link to this post", "show contact info"}


def parse_posting(html: str | bytes, url: str | None = None) -> ParsedPosting:
    """Parse a posting page of any era.

    `url` is where the page was fetched from; it is used to resolve relative links
    and as the last source of site and category, never as the only source of the
    post id. Never raises: unreadable input gives status "unparseable".
    """
    try:
        return _parse_posting(html, url)
    except Exception as exc:  # the parser must never take a scrape job down
        logger.exception("posting parser failed")
        return ParsedPosting(
            status="unparseable", errors=[f"parser failed: {type(exc).__name__}"]
        )


def _parse_posting(html: str | bytes, url: str | None) -> ParsedPosting:
    raw = decode_document(html)
    result = ParsedPosting()
    if not raw.strip():
        result.errors.append("empty document")
        return result
    if error := nesting_error(raw):
        result.errors.append(error)
        return result
    tree = parse_html(raw)
    page = PostingPage(tree=tree, raw=raw, url=url)
    page.scripts = script_texts(tree)
    result.json_ld, ld_errors = json_ld_blocks(tree)
    result.errors.extend(ld_errors)
    page.ld_nodes = list(flatten_json_ld(result.json_ld))
    page.body = tree.css_first("section#postingbody, #postingbody, #userbody")

    result.status = _status(page)
    if result.status == "unparseable":
        result.errors.append("blocked by craigslist (block page)")
        return result
    read_identity(page, result)
    _read_title(page, result)
    reading = read_attributes(tree, raw)
    result.attributes = reading.attributes
    _read_description(page, result)
    _read_job(page, result, reading)
    read_housing(page, result, reading)
    read_location(page, result)
    _read_dates(page, result)
    _read_contacts(page, result)
    result.notices = _notices(tree)
    result.images = media.posting_images(tree, page.scripts, page.ld_nodes)
    _check_complete(result)
    return result


# --------------------------------------------------------------------------- status


def _status(page: PostingPage) -> PostingStatus:
    tree = page.tree
    candidates = tree.css(
        "h1, h2, h3, h4, h5, .removed, #has_been_removed, .post-not-found"
    )
    body_id = page.body.mem_id if page.body is not None else None
    for node in candidates:
        if body_id is not None and inside(node, body_id):
            continue
        text = node_line(node) or ""
        for pattern, status in _GONE_PATTERNS:
            if pattern.search(text[:300]):
                return status
    if page.body is None and tree.body is not None:
        head = (tree.body.text(deep=True) or "")[:5000]
        if _BLOCKED.search(head):
            return "unparseable"
    return "active"


# ---------------------------------------------------------------------------- title


def _read_title(page: PostingPage, result: ParsedPosting) -> None:
    tree = page.tree
    title_node = tree.css_first("#titletextonly")
    if title_node is not None:
        result.title = node_line(title_node)
        result.hood = _title_line_hood(tree)
        return
    if result.status != "active":
        return
    heading = tree.css_first("h2.postingtitle, h1.postingtitle")
    body_classes = classes(tree.body) if tree.body is not None else []
    if heading is None and ("posting" in body_classes or page.body is not None):
        # Gen A (2009-2011): the first plain <h2> of a posting page is its title.
        heading = next(
            (h for h in tree.css("body h2") if not inside_class(h, "bchead")), None
        )
    if heading is not None and (text := node_line(heading)):
        _read_classic_title(page, result, text)
    if result.title is None:
        for kind in (
            "JobPosting",
            "Product",
            "Apartment",
            "House",
            "Residence",
            "Offer",
        ):
            node = page.ld_first(kind)
            if node is not None:
                result.title = clean_or_none(node.get("title") or node.get("name"))
                if result.title:
                    break


def _title_line_hood(tree: LexborHTMLParser) -> str | None:
    for node in tree.css(".postingtitletext > small, .postingtitletext > span"):
        names = classes(node)
        if node.attributes.get("id") == "titletextonly" or {"price", "housing"} & set(
            names
        ):
            continue
        text = node_line(node) or ""
        if match := re.fullmatch(r"\((.{1,200})\)", text):
            return normalise_line(match.group(1)) or None
    return None


def _read_classic_title(page: PostingPage, result: ParsedPosting, text: str) -> None:
    """Gen A: "$1149000 / 3br - 2000ft² - TITLE (hood)" in an `<h2>`."""
    prefix = _CLASSIC_PREFIX.match(text)
    rest = text
    if prefix and any(prefix.group(name) for name in ("price", "br", "ft")):
        rest = text[prefix.end() :]
        page.classic_summary = text[: prefix.end()].strip(" -")
    title_tag = node_line(page.tree.css_first("title"))
    if title_tag and rest.startswith(title_tag) and len(title_tag) < len(rest):
        remainder = rest[len(title_tag) :].strip()
        if match := re.fullmatch(r"\((.{1,200})\)", remainder):
            result.title, result.hood = title_tag, normalise_line(match.group(1))
            return
    match = _TRAILING_HOOD.search(rest)
    if match and "$" not in match.group(1) and match.start() > 0:
        result.title = rest[: match.start()].strip() or None
        result.hood = normalise_line(match.group(1)) or None
    else:
        result.title = rest.strip() or None


# ---------------------------------------------------------------------- description


def _read_description(page: PostingPage, result: ParsedPosting) -> None:
    if page.body is not None:
        text, truncated = render_text(page.body, _BODY_SKIP)
        if truncated:
            result.errors.append("description truncated: body has too many elements")
        lines = [
            line
            for line in text.split("\n")
            if line.strip().lower() not in _BOILERPLATE_LINES
        ]
        result.description = "\n".join(lines).strip() or None
    if result.description is None:
        for kind in ("JobPosting", "Product", "Apartment", "House", "Offer"):
            node = page.ld_first(kind)
            if node is not None and isinstance(node.get("description"), str):
                result.description = html_fragment_text(node["description"]) or None
                if result.description:
                    break


# ------------------------------------------------------------------------------ job


def _read_job(
    page: PostingPage, result: ParsedPosting, reading: AttributeReading
) -> None:
    facts = job_facts(reading, result.category)
    result.compensation = facts.compensation
    result.employment_type = facts.employment_type
    result.experience_level = facts.experience_level
    result.job_title = facts.job_title
    result.company = facts.company
    result.contact_name = facts.contact_name
    result.is_remote, result.is_internship = facts.is_remote, facts.is_internship
    result.is_nonprofit = facts.is_nonprofit
    job = page.ld_first("JobPosting")
    if job is None:
        return
    organisation = job.get("hiringOrganization")
    if isinstance(organisation, dict):
        result.company = result.company or clean_or_none(organisation.get("name"))
    elif isinstance(organisation, str):
        result.company = result.company or clean_or_none(organisation)
    result.job_title = result.job_title or clean_or_none(job.get("title"))
    if result.title is None:
        result.title = clean_or_none(job.get("title"))
    kinds = job.get("employmentType")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    add_employment_types(
        result.employment_type, [k for k in kinds if isinstance(k, str)]
    )
    if "internship" in result.employment_type and result.is_internship is None:
        result.is_internship = True
    if str(job.get("jobLocationType") or "").upper() == "TELECOMMUTE":
        result.is_remote = True
    experience = job.get("experienceRequirements")
    if result.experience_level is None and isinstance(experience, str):
        result.experience_level = clean_or_none(experience)
    if result.compensation is None:
        result.compensation = _salary_text(job.get("baseSalary"))
    contact = job.get("applicationContact") or job.get("contactPoint")
    if result.contact_name is None and isinstance(contact, dict):
        result.contact_name = clean_or_none(contact.get("name"))


def _salary_text(salary: object) -> str | None:
    """Render a schema.org MonetaryAmount as text, e.g. "$52,000-$66,800 per year"."""
    if isinstance(salary, int | float | str) and not isinstance(salary, bool):
        return clean_or_none(salary)
    if not isinstance(salary, dict):
        return None
    currency = str(salary.get("currency") or "")
    value = salary.get("value")
    unit = ""
    if isinstance(value, dict):
        unit = str(value.get("unitText") or "").lower()
        low = to_number(
            value.get("minValue") if "minValue" in value else value.get("value")
        )
        high = to_number(value.get("maxValue"))
    else:
        low, high = to_number(value), None
    if low is None and high is None:
        return None
    sign = "$" if currency in {"", "USD"} else ""
    suffix = f" {currency}" if sign == "" and currency else ""
    amounts = "-".join(
        f"{sign}{amount:,}" for amount in (low, high) if amount is not None
    )
    return f"{amounts}{suffix}" + (f" per {unit}" if unit else "")


# ---------------------------------------------------------------------------- dates


def _read_dates(page: PostingPage, result: ParsedPosting) -> None:
    tree = page.tree
    for node in tree.css(".postinginfos .postinginfo, p.postinginfo, #display-date"):
        time_node = node.css_first("time")
        if time_node is None:
            continue
        label = (node_line(node) or "").lower()
        stamp = (
            iso_datetime(time_node.attributes.get("datetime"))
            or iso_from_classic_date(node_line(time_node))[0]
        )
        if not stamp:
            continue
        if "updated" in label or "edited" in label:
            result.source_updated_at = result.source_updated_at or stamp
        elif "posted" in label or result.posted_at is None:
            result.posted_at = result.posted_at or stamp
    if result.posted_at is None:
        first_time = tree.css_first("time.timeago[datetime], time.date[datetime]")
        if first_time is not None:
            result.posted_at = iso_datetime(first_time.attributes.get("datetime"))
    if result.posted_at is None:
        _classic_dates(page, result)
    job = page.ld_first("JobPosting")
    if (
        result.posted_at is None
        and job is not None
        and isinstance(job.get("datePosted"), str)
    ):
        result.posted_at = iso_datetime(job["datePosted"])


def _classic_dates(page: PostingPage, result: ParsedPosting) -> None:
    node = page.tree.css_first(".postingdate time, .postingdate")
    text = node_line(node)
    if not text and page.tree.body is not None:
        head = (page.tree.body.text(deep=True, separator="\n") or "")[:50_000]
        position = head.find("Date:")
        text = head[position : position + 120] if position >= 0 else None
    stamp, error = iso_from_classic_date(text)
    result.posted_at = stamp
    if error:
        result.errors.append(error)


# ------------------------------------------------------------------------- contacts


def _read_contacts(page: PostingPage, result: ParsedPosting) -> None:
    tree = page.tree
    emails: list[str] = []
    for link in tree.css('a[href^="mailto:"], a[href^="MAILTO:"]'):
        if inside_class(link, "clfooter") or inside_class(link, "cl-footer-tx"):
            continue
        address = unquote(
            (link.attributes.get("href") or "")[7:].split("?", 1)[0]
        ).strip()
        emails.extend(find_emails(address))
    display = js_value(page.scripts, "displayEmail")
    if isinstance(display, str):
        emails.extend(find_emails(display))
    emails.extend(find_emails(result.description))
    result.contact_email = emails[0] if emails else None
    phones = find_phones(result.description)
    result.contact_phone = phones[0] if phones else None


def _notices(tree: LexborHTMLParser) -> list[str]:
    notices: list[str] = []
    for item in tree.css("ul.notices li, ul.blurbs li"):
        text = item.html or ""
        if "CLTAG" in text:
            continue
        line = node_line(item)
        if line and line not in notices:
            notices.append(line)
    return notices


def _check_complete(result: ParsedPosting) -> None:
    """Report missing markup, so a changed page is noticed rather than stored empty."""
    if result.status != "active":
        return
    missing = [
        name
        for name, value in (
            ("post id", result.post_id),
            ("title", result.title),
            ("description", result.description),
        )
        if not value
    ]
    if not result.post_id and not result.description:
        # A title alone is too little: some other page (a search, an error page).
        result.status = "unparseable"
        result.errors.append("no posting markup found (no post id or body)")
        return
    result.errors.extend(f"{name} not found" for name in missing)
