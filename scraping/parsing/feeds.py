"""Search results that are not HTML: RSS/RDF feeds, the 2017 `jsonsearch` JSON and
the 2023+ `sapi` JSON.

Feeds are parsed with lxml with entity resolution and network access off, and a
document that declares a DOCTYPE or entities is refused outright (no entity
expansion bombs, no external entities).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from lxml import etree

from scraping.parsing.dom import html_fragment_text
from scraping.parsing.media import split_image_ids
from scraping.parsing.text import (
    clean_or_none,
    coordinates,
    iso_datetime,
    iso_from_epoch,
    iso_from_rfc822,
    normalise_line,
    parse_housing,
    parse_money,
    to_number,
)
from scraping.parsing.types import ParsedSearch, SearchResult
from scraping.parsing.urls import absolute_url, read_url

logger = logging.getLogger(__name__)

_FEED_ROOT = re.compile(r"<(?:rdf:RDF|rss|feed)\b", re.I)
_UNSAFE_XML = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.I)
_TITLE_SUMMARY = re.compile(
    r"^(?P<price>[$€£]\s?\d[\d,.]{0,15})\s{0,3}/?\s{0,3}(?:\d{1,2}br)?\s{0,3}-?\s{0,3}"
    r"(?:\d{1,7}\s?(?:ft²|ft2|m²|m2))?\s{0,3}-?\s{0,3}",
    re.I,
)
_TRAILING_HOOD = re.compile(r"\(([^()$]{1,100})\)\s*$")
_MAX_ITEMS = 5000


def looks_like_feed(head: str) -> bool:
    """True when the start of a document is an RSS, RDF or Atom feed (not XHTML)."""
    return bool(_FEED_ROOT.search(head)) and "<html" not in head.lower()


# ----------------------------------------------------------------------------- RSS


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: Any, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names:
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


def parse_feed(text: str, url: str | None = None) -> ParsedSearch:
    """Parse an RSS 1.0 (RDF), RSS 2.0 or Atom feed of postings."""
    result = ParsedSearch(source="rss")
    if _UNSAFE_XML.search(text):
        result.errors.append("feed declares a DOCTYPE or entities; refused")
        return result
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        recover=True,
        huge_tree=False,
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        result.errors.append(f"feed is not readable XML: {exc}")
        return result
    if root is None:
        result.errors.append("feed is not readable XML")
        return result
    for element in root.iter():
        if _local(element.tag) in {"item", "entry"}:
            result.results.append(_feed_item(element, url))
            if len(result.results) >= _MAX_ITEMS:
                break
    result.results = [row for row in result.results if row.url or row.title]
    result.status = "ok" if result.results else "empty"
    return result


def _feed_item(element: Any, base: str | None) -> SearchResult:
    link = _child_text(element, "link") or element.get(
        "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
    )
    if link is None:
        for child in element:
            if _local(child.tag) == "link" and child.get("href"):
                link = child.get("href")
                break
    row = SearchResult(url=absolute_url(base, link) or (link.strip() if link else None))
    info = read_url(row.url)
    row.post_id, row.category = info.post_id, info.category
    title = normalise_line(_child_text(element, "title") or "")
    row.title, row.hood, row.price, row.currency = _split_feed_title(title)
    row.bedrooms, row.bathrooms, row.sqft = (
        parse_housing(title[:80]) if row.price else (None, None, None)
    )
    row.posted_at = iso_datetime(
        _child_text(element, "date", "issued", "published", "updated")
    )
    if row.posted_at is None:
        row.posted_at = iso_from_rfc822(_child_text(element, "pubdate"))
    for child in element:
        if _local(child.tag) == "enclosure":
            resource = child.get(
                "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"
            ) or child.get("url")
            row.image_ids.extend(split_image_ids(resource))
    return row


def _split_feed_title(
    title: str,
) -> tuple[str | None, str | None, int | float | None, str | None]:
    """Split "$1500 / 3br - 1100ft² - House (Oakland)": title, hood, price, currency."""
    price = currency = None
    summary = _TITLE_SUMMARY.match(title)
    if summary and summary.group("price"):
        price, currency = parse_money(summary.group("price"))
        title = title[summary.end() :]
    hood = None
    if (match := _TRAILING_HOOD.search(title)) and match.start() > 0:
        hood = normalise_line(match.group(1)) or None
        title = title[: match.start()]
    return clean_or_none(title), hood, price, currency


# ---------------------------------------------------------------------------- JSON


def parse_json_search(text: str, url: str | None = None) -> ParsedSearch:
    """Parse a 2017 `jsonsearch` response (`[items, meta]`) or a sapi response."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return ParsedSearch(status="unparseable", errors=[f"not valid JSON: {exc}"])
    if (
        isinstance(data, list)
        and data
        and isinstance(data[0], list)
        and (len(data) == 1 or isinstance(data[1], dict))
    ):
        return _jsonsearch(data[0], data[1] if len(data) > 1 else {}, url)
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        return _sapi(data["data"], url)
    return ParsedSearch(
        source="unknown",
        status="unparseable",
        errors=["JSON is not a known search format"],
    )


def _jsonsearch(
    items: list[Any], meta: dict[str, Any], url: str | None
) -> ParsedSearch:
    result = ParsedSearch(source="jsonsearch")
    base = url or (
        f"https:{meta['baseurl']}" if isinstance(meta.get("baseurl"), str) else None
    )
    clusters = 0
    for item in items[:_MAX_ITEMS]:
        if not isinstance(item, dict):
            continue
        if "PostingID" not in item:
            clusters += 1  # a map cluster ({GeoCluster, NumPosts, url}), not a posting
            continue
        row = SearchResult()
        post_id = item.get("PostingID")
        row.post_id = str(post_id) if str(post_id).isdigit() else None
        posting_url = item.get("PostingURL")
        row.url = (
            absolute_url(base, posting_url) if isinstance(posting_url, str) else None
        )
        row.title = clean_or_none(item.get("PostingTitle"))
        row.price = to_number(item.get("Ask"))
        row.bedrooms = to_number(item.get("Bedrooms"))
        row.latitude, row.longitude = coordinates(
            item.get("Latitude"), item.get("Longitude")
        )
        row.posted_at = iso_from_epoch(item.get("PostedDate"))
        thumb = item.get("ImageThumb")
        row.image_ids = split_image_ids(thumb) if isinstance(thumb, str) else []
        row.category = read_url(row.url).category
        result.results.append(row)
    if clusters:
        result.errors.append(f"{clusters} map clusters not expanded")
    result.status = "ok" if result.results else "empty"
    return result


def _sapi(data: dict[str, Any], url: str | None) -> ParsedSearch:
    """sapi `postings/search/full`: positional item arrays decoded with `decode`."""
    result = ParsedSearch(source="sapi")
    total = to_number(data.get("totalResultCount"))
    result.total = total if isinstance(total, int) else None
    raw_decode = data.get("decode")
    decode: dict[str, Any] = raw_decode if isinstance(raw_decode, dict) else {}
    min_id = to_number(decode.get("minPostingId")) or 0
    min_date = to_number(decode.get("minPostedDate")) or 0
    for item in (data.get("items") or [])[:_MAX_ITEMS]:
        if isinstance(item, list) and item:
            result.results.append(_sapi_item(item, min_id, min_date))
    result.results = [row for row in result.results if row.post_id or row.url]
    result.status = "ok" if result.results else "empty"
    return result


def _sapi_item(
    item: list[Any], min_id: int | float, min_date: int | float
) -> SearchResult:
    row = SearchResult()
    offset = to_number(item[0])
    if isinstance(offset, int) and isinstance(min_id, int):
        row.post_id = str(min_id + offset)
    if len(item) > 1 and isinstance(to_number(item[1]), int):
        row.posted_at = iso_from_epoch(min_date + (to_number(item[1]) or 0))
    if (
        len(item) > 3
        and isinstance(item[3], int | float)
        and not isinstance(item[3], bool)
    ):
        row.price = to_number(item[3])
    slug = token = None
    for part in item[1:]:
        if isinstance(part, list) and part and isinstance(part[0], int):
            tag, values = part[0], part[1:]
            if tag == 4:
                row.image_ids = split_image_ids(",".join(str(v) for v in values))
            elif tag == 6 and values and isinstance(values[0], str):
                slug = values[0]
            elif tag == 13 and values and isinstance(values[0], str):
                token = values[0]
        elif isinstance(part, str) and "~" in part and ":" in part:
            pieces = part.split("~")
            if len(pieces) >= 3:
                row.latitude, row.longitude = coordinates(pieces[-2], pieces[-1])
    if isinstance(item[-1], str):
        row.title = clean_or_none(html_fragment_text(item[-1]))
    if slug and token:
        row.url = f"https://www.craigslist.org/view/d/{slug}/{token}"
    return row
