"""Who and where a posting is: URL, post id, repost, site, subarea and category.

The post id is read from the page body (`post id:` text, `pID`, the reply link, the
mailto relay, flag links), never from the fetched URL alone: gen E share URLs
(`/view/d/<slug>/<token>`) carry no id.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraping.parsing.dom import node_line
from scraping.parsing.page import PostingPage, link_href, meta_content
from scraping.parsing.scripts import js_digits, js_value, ld_types
from scraping.parsing.types import ParsedPosting
from scraping.parsing.urls import SECTION_CODES, absolute_url, read_url

_POST_ID_TEXT = re.compile(r"post(?:ing)?\s{0,3}id\s{0,3}:?\s{0,3}(\d{5,12})", re.I)
_REPLY_ID = re.compile(r"/reply/[a-z]{2,5}/[a-z]{2,5}/(\d{5,12})")
_RELAY_ID = re.compile(r"-(\d{6,12})@(?:[a-z]+\.)?craigslist\.[a-z.]{2,10}", re.I)
_FLAG_ID = re.compile(r"[?&]postingID=(\d{5,12})", re.I)
_INIT_FLAG = re.compile(r"initFlag\(\s{0,3}(\d{5,12})\s{0,3}\)")


def _page_url(page: PostingPage) -> str | None:
    tree = page.tree
    qr = tree.css_first(".print-qrcode[data-location]")
    mailto_body = None
    for link in tree.css('a[href^="mailto:"]'):
        query = parse_qs(urlsplit(link.attributes.get("href") or "").query)
        body = " ".join(query.get("body", []))
        if match := re.search(r"https?://\S{5,300}\.html?", body):
            mailto_body = match.group(0)
            break
    posting_url = js_value(page.scripts, "postingURL")
    candidates = [
        link_href(tree, "canonical"),
        meta_content(tree, "og:url"),
        qr.attributes.get("data-location") if qr is not None else None,
        unquote(posting_url) if isinstance(posting_url, str) else None,
        mailto_body,
        page.url,
    ]
    for candidate in candidates:
        resolved = absolute_url(page.url, candidate)
        if resolved:
            return resolved
    return None


def _reply_href(tree: LexborHTMLParser) -> str | None:
    for selector, attribute in (
        ("button.reply-button[data-href]", "data-href"),
        ("button.reply_button[data-href]", "data-href"),
        ("[data-href*='/reply/']", "data-href"),
        ("a#replylink[href]", "href"),
        (".replylink a[href]", "href"),
    ):
        node = tree.css_first(selector)
        if node is not None and node.attributes.get(attribute):
            return node.attributes.get(attribute)
    return None


def read_identity(page: PostingPage, result: ParsedPosting) -> None:
    """Fill url, reply_url, post_id, repost_of, site, subarea and category."""
    tree = page.tree
    result.url = _page_url(page)
    base = page.url or result.url
    reply = _reply_href(tree)
    result.reply_url = absolute_url(base, reply)
    result.post_id = _post_id(page, reply)
    repost = js_digits(page.scripts, "repost_of")
    if repost is None:
        node = tree.css_first("[data-repost-of]")
        value = node.attributes.get("data-repost-of") if node is not None else None
        repost = value if value and value.isdigit() else None
    result.repost_of = repost if repost != result.post_id else None
    _read_place_codes(page, result, base)


def _read_place_codes(
    page: PostingPage, result: ParsedPosting, base: str | None
) -> None:
    tree = page.tree
    links = [
        page.url,
        result.url,
        meta_content(tree, "og:url"),
        *_breadcrumb_urls(page),
        result.reply_url,
        *(node.attributes.get("href") for node in tree.css("a.header-logo[href]")),
        *_config_hosts(page.scripts),
    ]
    infos = [read_url(absolute_url(base, href) or href) for href in links if href]
    result.site = next((info.site for info in infos if info.site), None)
    result.subarea = next((info.subarea for info in infos if info.subarea), None)
    if result.subarea is None:
        crumb = tree.css_first("li.crumb.subarea a[href]")
        if crumb is not None:
            parts = [p for p in (crumb.attributes.get("href") or "").split("/") if p]
            if parts and re.fullmatch(r"[a-z]{3}", parts[-1]):
                result.subarea = parts[-1]
    categories = [info.category for info in infos if info.category]
    configured = js_value(page.scripts, "categoryAbbr") or js_value(
        page.scripts, "catAbb"
    )
    if isinstance(configured, str) and re.fullmatch(r"[a-z]{3}", configured):
        # The page URL names the category best; the page config comes next.
        categories.insert(1 if read_url(result.url).category else 0, configured)
    for flag in tree.css("a.flaglink[href]"):
        query = parse_qs(urlsplit(flag.attributes.get("href") or "").query)
        categories.extend(value for value in query.get("cat", []) if value.isalpha())
    specific = [code for code in categories if code not in SECTION_CODES]
    result.category = next(iter(specific or categories), None)


def _config_hosts(scripts: list[str]) -> list[str]:
    """Site hosts named in `cl.init` config (`location.url`, `whereAmI.area`)."""
    hosts: list[str] = []
    location = js_value(scripts, "location")
    if isinstance(location, dict) and isinstance(location.get("url"), str):
        hosts.append(location["url"])
    where = js_value(scripts, "whereAmI")
    area = where.get("area") if isinstance(where, dict) else None
    if isinstance(area, dict) and isinstance(area.get("hostname"), str):
        hosts.append(f"{area['hostname']}.craigslist.org")
    return [
        f"https://{host}/" for host in hosts if re.fullmatch(r"[\w.-]{3,100}", host)
    ]


def _breadcrumb_urls(page: PostingPage) -> list[str]:
    tree = page.tree
    urls = [
        link.attributes.get("href") or ""
        for link in tree.css(
            ".breadcrumbs a[href], .bchead a[href], header.bchead a[href]"
        )
    ]
    for node in page.ld_nodes:
        if "BreadcrumbList" not in ld_types(node):
            continue
        for element in node.get("itemListElement") or []:
            if not isinstance(element, dict):
                continue
            item = element.get("item")
            target = item.get("@id") if isinstance(item, dict) else item
            if isinstance(target, str):
                urls.append(target)
    # Most specific first: the category crumb says more than the home page.
    return [
        url
        for url in reversed(urls)
        if url and not url.startswith(("#", "javascript:"))
    ]


def _post_id(page: PostingPage, reply: str | None) -> str | None:
    tree = page.tree
    found: list[str] = []
    for node in tree.css(".postinginfos .postinginfo, p.postinginfo, .postingidtext"):
        if match := _POST_ID_TEXT.search(node_line(node) or ""):
            found.append(match.group(1))
    for key in ("pID", "postingID", "buttonPostingID", "postingId"):
        if value := js_digits(page.scripts, key):
            found.append(value)
    if reply and (match := _REPLY_ID.search(reply)):
        found.append(match.group(1))
    for link in tree.css("a[href]"):
        href = link.attributes.get("href") or ""
        match = _RELAY_ID.search(href) if href.startswith("mailto:") else None
        if match is None and "postingID=" in href:
            match = _FLAG_ID.search(href)
        if match:
            found.append(match.group(1))
    body_node = tree.body
    if body_node is not None and (
        match := _INIT_FLAG.search(body_node.attributes.get("onload") or "")
    ):
        found.append(match.group(1))
    if not found and body_node is not None:
        text = body_node.text(deep=True) or ""
        body_text = page.body.text(deep=True) if page.body is not None else ""
        # An id written by the poster inside the body is not the page's id.
        if body_text:
            text = text.replace(body_text, " ")
        if match := _POST_ID_TEXT.search(text):
            found.append(match.group(1))
    if not found:
        for candidate in (link_href(tree, "canonical"), meta_content(tree, "og:url")):
            if post_id := read_url(candidate).post_id:
                found.append(post_id)
    return found[0] if found else None
