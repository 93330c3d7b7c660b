"""Parse a Craigslist search page (HTML of any era, JSON search or RSS/RDF feed).

Only the main result list is returned: "nearby areas" rows after the separator
(gen C) and hub links (gen D/E) are left out. JSON-LD items are merged into the
cards by URL, or by title in page order when the items carry no URL; never by
position alone (the JSON-LD may skip cards).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraping.parsing import feeds
from scraping.parsing.dom import classes, nesting_error, node_line, parse_html
from scraping.parsing.media import image_id, split_image_ids
from scraping.parsing.scripts import (
    flatten_json_ld,
    js_value,
    json_ld_blocks,
    ld_types,
    script_texts,
)
from scraping.parsing.text import (
    DOLLAR_COUNTRIES,
    clean_or_none,
    coordinates,
    decode_document,
    iso_datetime,
    normalise_line,
    parse_housing,
    parse_money,
    to_number,
)
from scraping.parsing.types import ParsedSearch, SearchResult
from scraping.parsing.urls import (
    JOB_CATEGORIES,
    absolute_url,
    is_absolute_http,
    read_url,
)

logger = logging.getLogger(__name__)

_POSTING_LINK = re.compile(r"/\d{6,12}\.html?(?:[?#]|$)|/view/d/")
_ROW_TIME_TITLE = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})\s?([AaPp][Mm])")
_PAREN = re.compile(r"^\((.*)\)$")
_CARD_SELECTOR = "li.cl-static-search-result, li.cl-search-result, div.cl-search-result"
_ROW_SELECTOR = "li.result-row, p.row, h4.nearby, li.nearby, h4.ban"


def parse_search(html_or_json: str | bytes, url: str | None = None) -> ParsedSearch:
    """Parse a search page, a 2017 jsonsearch response, a sapi response or a feed.

    The kind of input is detected from its content. Never raises: unreadable input
    gives status "unparseable" with the reason in `errors`.
    """
    try:
        return _parse_search(html_or_json, url)
    except Exception as exc:  # a bad page must not take a scrape job down
        logger.exception("search parser failed")
        return ParsedSearch(
            status="unparseable", errors=[f"parser failed: {type(exc).__name__}"]
        )


def _parse_search(data: str | bytes, url: str | None) -> ParsedSearch:
    text = decode_document(data)
    head = text[:2048].lstrip()
    if not head:
        return ParsedSearch(status="unparseable", errors=["empty document"])
    if head[0] in "[{":
        return feeds.parse_json_search(text, url)
    if feeds.looks_like_feed(head):
        return feeds.parse_feed(text, url)
    return _parse_html_search(text, url)


def _parse_html_search(text: str, url: str | None) -> ParsedSearch:
    if error := nesting_error(text):
        return ParsedSearch(status="unparseable", source="html", errors=[error])
    tree = parse_html(text)
    result = ParsedSearch(source="html")
    scripts = script_texts(tree)
    base = _base_url(tree, url)
    page_category = _page_category(tree, scripts, base)
    dollar = _dollar(tree, scripts, base)

    cards = tree.css(_CARD_SELECTOR)
    if cards:
        result.results = [_card(card, base, dollar) for card in cards]
    else:
        result.results = _rows(tree, base, dollar)
    result.results = [row for row in result.results if row.url or row.post_id]
    for row in result.results:
        row.category = row.category or page_category
        if row.price == 0 and row.category in JOB_CATEGORIES:
            # Job and gig cards show "$0" when no price applies.
            row.price, row.currency = None, None

    objects, errors = json_ld_blocks(tree)
    result.errors.extend(errors)
    items = _json_ld_items(objects)
    if items:
        if result.results:
            unmatched = _merge_json_ld(result.results, items)
            if unmatched:
                result.errors.append(f"{unmatched} JSON-LD items matched no card")
        else:
            result.results = [_result_from_item(item) for item in items]
            result.errors.append(
                "no result cards; results read from JSON-LD only (no URLs)"
            )

    result.next_page = _next_page(tree, base, url)
    total_node = tree.css_first("span.totalcount")
    total = to_number(node_line(total_node)) if total_node is not None else None
    result.total = total if isinstance(total, int) else None
    if result.results:
        result.status = "ok"
    elif _looks_like_search(tree, scripts):
        result.status = "empty"
    else:
        result.status = "unparseable"
        result.errors.append("no search result markup found")
    return result


# ------------------------------------------------------------------------ page info


def _base_url(tree: LexborHTMLParser, url: str | None) -> str | None:
    if is_absolute_http(url):
        return url
    for selector, attribute in (
        ('link[rel="canonical"]', "href"),
        ('meta[property="og:url"]', "content"),
    ):
        node = tree.css_first(selector)
        value = node.attributes.get(attribute) if node is not None else None
        if is_absolute_http(value):
            return value
    # Classic index pages: host from the absolute row links, directory from the
    # page's own RSS link ("/sof/index.rss" → "/sof/").
    host = None
    for link in tree.css("a[href]"):
        href = link.attributes.get("href") or ""
        if _POSTING_LINK.search(href) and is_absolute_http(href):
            parts = urlsplit(href)
            host = f"{parts.scheme}://{parts.netloc}"
            break
    if host is None:
        return None
    rss = tree.css_first('link[type="application/rss+xml"][href]')
    path = rss.attributes.get("href") or "" if rss is not None else ""
    if path.startswith("/"):
        return host + path.rsplit("/", 1)[0] + "/"
    return host + "/"


def _page_category(
    tree: LexborHTMLParser, scripts: list[str], base: str | None
) -> str | None:
    for key in ("initialCategoryAbbr", "categoryAbbr", "catAbb"):
        value = js_value(scripts, key)
        if isinstance(value, str) and re.fullmatch(r"[a-z]{3}", value):
            return value
    return read_url(base).category


def _dollar(tree: LexborHTMLParser, scripts: list[str], base: str | None) -> str:
    country = js_value(scripts, "areaCountry")
    location = js_value(scripts, "location")
    if not isinstance(country, str) and isinstance(location, dict):
        country = location.get("country")
    if not isinstance(country, str):
        host = urlsplit(base or "").hostname or ""
        country = "CA" if host.endswith(".ca") else "US"
    return DOLLAR_COUNTRIES.get(country.upper(), "USD")


def _looks_like_search(tree: LexborHTMLParser, scripts: list[str]) -> bool:
    if tree.css_first(
        "ol.cl-static-search-results, ul.rows, #searchform, body.toc, body.search, "
        "#ld_searchpage_data, .cl-search-view, #search-results"
    ):
        return True
    return any("'search'" in script and "cl.init" in script for script in scripts)


def _next_page(tree: LexborHTMLParser, base: str | None, url: str | None) -> str | None:
    hrefs: list[str] = []
    for selector in (
        "a.button.next[href]",
        "link[rel='next'][href]",
        "#nextpage a[href]",
        ".paginator a.next[href]",
        "a.cl-next-page[href]",
    ):
        hrefs.extend(node.attributes.get("href") or "" for node in tree.css(selector))
    for link in tree.css("a[href]"):
        text = (node_line(link) or "").lower()
        if re.match(r"^next\b", text) or re.fullmatch(
            r"index\d+\.html", link.attributes.get("href") or ""
        ):
            hrefs.append(link.attributes.get("href") or "")
    for href in hrefs:
        href = href.strip()
        if href and not href.startswith(("#", "javascript:")):
            return absolute_url(base or url, href)
    return None


# ---------------------------------------------------------------------- gen D / E


def _card(card: LexborNode, base: str | None, dollar: str) -> SearchResult:
    link = card.css_first("a[href]")
    href = link.attributes.get("href") if link is not None else None
    row = SearchResult(url=absolute_url(base, href) or (href or None))
    info = read_url(row.url)
    pid = card.attributes.get("data-pid") or ""
    row.post_id = pid if pid.isdigit() else info.post_id
    row.category = info.category
    title = card.css_first(
        ".title, .posting-title .label, .titlestring, a.posting-title, .label"
    )
    row.title = node_line(title) or clean_or_none(card.attributes.get("title"))
    if row.title is None and link is not None:
        row.title = node_line(link)
    price = card.css_first(".price, .priceinfo")
    if price is not None:
        row.price, row.currency = parse_money(node_line(price), dollar)
    row.hood = _hood(node_line(card.css_first(".location, .result-location")))
    housing = card.css_first(".housing, .housing-meta")
    if housing is not None:
        row.bedrooms, row.bathrooms, row.sqft = parse_housing(node_line(housing))
    row.image_ids = [
        identifier
        for image in card.css("img[src]")
        if (identifier := image_id(image.attributes.get("src")))
    ]
    return row


def _hood(text: str | None) -> str | None:
    if not text:
        return None
    match = _PAREN.match(text.strip())
    return normalise_line(match.group(1) if match else text) or None


# ----------------------------------------------------------------------- gen A to C


def _rows(tree: LexborHTMLParser, base: str | None, dollar: str) -> list[SearchResult]:
    nodes = tree.css(_ROW_SELECTOR)
    if not any(node.tag in {"li", "p"} for node in nodes):
        # Classic index pages: bare <p><a href=".../1948608067.html">…</a></p> rows.
        nodes = [
            node
            for node in tree.css("h4, p")
            if node.tag == "h4" or _posting_link(node) is not None
        ]
    rows: list[SearchResult] = []
    for node in nodes:
        if node.tag in {"h4", "li"} and _is_nearby_separator(node):
            break
        if node.tag == "h4":
            continue
        if node.css_first("span.nearby") is not None:
            continue
        link = node.css_first("a.hdrlnk, a.result-title") or _posting_link(node)
        if link is not None:
            rows.append(_row(node, link, base, dollar))
    return rows


def _posting_link(node: LexborNode) -> LexborNode | None:
    for link in node.css("a[href]"):
        if _POSTING_LINK.search(link.attributes.get("href") or ""):
            return link
    return None


def _is_nearby_separator(node: LexborNode) -> bool:
    if "nearby" in classes(node):
        return True
    return node.tag == "h4" and "nearby" in (node_line(node) or "").lower()


def _row(
    node: LexborNode, link: LexborNode, base: str | None, dollar: str
) -> SearchResult:
    href = link.attributes.get("href")
    row = SearchResult(
        url=absolute_url(base, href) or (href or None), title=node_line(link)
    )
    info = read_url(row.url)
    pid = node.attributes.get("data-pid") or link.attributes.get("data-id") or ""
    row.post_id = pid if pid.isdigit() else info.post_id
    repost = node.attributes.get("data-repost-of") or ""
    row.repost_of = repost if repost.isdigit() else None
    row.latitude, row.longitude = coordinates(
        node.attributes.get("data-latitude"), node.attributes.get("data-longitude")
    )
    summary = node_line(node.css_first(".itemph"))
    price = node.css_first(".result-price, .price")
    row.price, row.currency = parse_money(node_line(price) or summary, dollar)
    housing = node_line(node.css_first(".housing")) or summary
    row.bedrooms, row.bathrooms, row.sqft = parse_housing(housing)
    hood = node.css_first(".result-hood, .pnr small, .itempn, font[size='-1'], small")
    row.hood = _hood(node_line(hood))
    row.posted_at = _row_time(node.css_first("time[datetime]"))
    row.image_ids = _row_images(node)
    category = node.css_first(".itemcg[title], a.gc[data-cat]")
    if category is not None:
        code = (
            category.attributes.get("title")
            or category.attributes.get("data-cat")
            or ""
        )
        row.category = code if re.fullmatch(r"[a-z]{3}", code) else None
    row.category = row.category or info.category
    return row


def _row_time(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    stamp = iso_datetime(node.attributes.get("datetime"))
    # Rows give "2019-12-05 14:34" and the seconds only in title="… 02:34:28 PM".
    match = _ROW_TIME_TITLE.search(node.attributes.get("title") or "")
    if stamp and match and len(stamp) == 19 and stamp.endswith(":00"):
        hour = int(match.group(1)) % 12 + (12 if match.group(4).upper() == "PM" else 0)
        if f"{hour:02d}:{match.group(2)}" == stamp[11:16]:
            stamp = f"{stamp[:17]}{match.group(3)}"
    return stamp


def _row_images(node: LexborNode) -> list[str]:
    ids: list[str] = []
    for gallery in node.css("a.result-image[data-ids], a.i[data-ids], [data-ids]"):
        ids.extend(split_image_ids(gallery.attributes.get("data-ids")))
    for image in node.css("a.i[data-id], span.ih[id]"):
        raw = image.attributes.get("data-id") or image.attributes.get("id") or ""
        raw = raw.removeprefix("images:")
        ids.extend(split_image_ids(raw) or ([raw[:-4]] if raw.endswith(".jpg") else []))
    return list(dict.fromkeys(identifier for identifier in ids if identifier))


# ----------------------------------------------------------------------- JSON-LD


def _json_ld_items(objects: list[Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for node in flatten_json_ld(objects):
        if "ItemList" not in ld_types(node):
            continue
        for element in node.get("itemListElement") or []:
            if isinstance(element, dict):
                item = element.get("item")
                target = item if isinstance(item, dict) else element
                items.append({**target, "_position": element.get("position")})
    return items


def _url_key(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url if "//" in url else "https://" + url.lstrip("/"))
    return f"{(parts.hostname or '').lower()}{parts.path.rstrip('/')}"


def _item_url(item: dict[str, Any]) -> str | None:
    offers = item.get("offers")
    for value in (
        item.get("url"),
        item.get("@id"),
        offers.get("url") if isinstance(offers, dict) else None,
    ):
        if isinstance(value, str) and value:
            return value
    return None


def _title_key(value: object) -> str:
    return normalise_line(value).casefold() if isinstance(value, str) else ""


def _merge_json_ld(rows: list[SearchResult], items: list[dict[str, Any]]) -> int:
    """Fill cards from JSON-LD items; return the number of items left unmatched."""
    by_url = {_url_key(row.url): index for index, row in enumerate(rows) if row.url}
    matched: set[int] = set()
    unmatched = 0
    cursor = 0
    for item in items:
        url = _item_url(item)
        if url:
            index = by_url.get(_url_key(absolute_url(None, url) or url))
        else:
            index = _match_by_title(rows, matched, item, cursor)
            cursor = index + 1 if index is not None else cursor
        if index is None or index in matched:
            unmatched += 1
            continue
        matched.add(index)
        _fill_from_item(rows[index], item)
    return unmatched


def _match_by_title(
    rows: list[SearchResult], matched: set[int], item: dict[str, Any], cursor: int
) -> int | None:
    """The card an item without a URL describes: same title, next in page order.

    The item's `position` is only trusted when that card has the same title, so one
    item missing from the JSON-LD cannot shift the others onto the wrong cards.
    """
    name = _title_key(item.get("name"))
    if not name:
        return None
    position = to_number(item.get("_position"))
    if (
        isinstance(position, int)
        and 0 <= position < len(rows)
        and position not in matched
        and _title_key(rows[position].title) == name
    ):
        return position
    for index in range(cursor, len(rows)):
        if index not in matched and _title_key(rows[index].title) == name:
            return index
    return None


def _fill_from_item(row: SearchResult, item: dict[str, Any]) -> None:
    raw_geo = item.get("geo")
    geo: dict[str, Any] = raw_geo if isinstance(raw_geo, dict) else item
    offers = item.get("offers")
    offer = offers[0] if isinstance(offers, list) and offers else offers
    if isinstance(offer, dict) and isinstance(offer.get("availableAtOrFrom"), dict):
        place_geo = offer["availableAtOrFrom"].get("geo")
        if geo.get("latitude") is None and isinstance(place_geo, dict):
            geo = place_geo
    if row.latitude is None and isinstance(geo, dict):
        row.latitude, row.longitude = coordinates(
            geo.get("latitude"), geo.get("longitude")
        )
    if row.bedrooms is None:
        row.bedrooms = to_number(item.get("numberOfBedrooms"))
    if row.bathrooms is None:
        row.bathrooms = to_number(item.get("numberOfBathroomsTotal"))
    floor = item.get("floorSize")
    if row.sqft is None and isinstance(floor, dict):
        row.sqft = to_number(floor.get("value"))
    if row.price is None and isinstance(offer, dict):
        row.price = to_number(offer.get("price"))
        currency = offer.get("priceCurrency")
        row.currency = currency if isinstance(currency, str) else row.currency
    row.title = row.title or clean_or_none(item.get("name"))


def _result_from_item(item: dict[str, Any]) -> SearchResult:
    row = SearchResult()
    url = _item_url(item)
    row.url = absolute_url(None, url) if url else None
    row.post_id = read_url(row.url).post_id
    _fill_from_item(row, item)
    return row
