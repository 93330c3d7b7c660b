"""Craigslist image ids and URLs.

An image id looks like `00p0p_dGGWjIKTVa0` (2016) or `00a0a_7NPZAKalU0Nz_0cU07g`
(2022+); its URL is `https://images.craigslist.org/<id>_<size>.jpg` with sizes
50x50c, 300x300, 600x450 and 1200x900. Search rows carry ids as `3:<id>` (the
prefix is the image-config key). Classic (≤2013) images are plain URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from scraping.parsing.scripts import js_value

IMAGE_HOST = "https://images.craigslist.org"
FULL_SIZE = "600x450"
_SIZE = re.compile(r"^\d{2,4}x\d{2,4}c?$")
_IMAGE_ID = re.compile(r"^[A-Za-z0-9]{3,12}_[A-Za-z0-9_]{5,60}$")
_FULL_ID = re.compile(r"^[0-9][0-9A-Za-z]{4}_[A-Za-z0-9_]{5,60}$")


def image_id(value: str | None) -> str | None:
    """Return the image id of a URL, file name or `<key>:<id>` token, or None."""
    if not value:
        return None
    token = value.strip()
    if "/" in token:
        token = token.rsplit("/", 1)[-1].split("?", 1)[0]
    elif ":" in token:
        token = token.split(":", 1)[1]
    if token.lower().endswith(".jpg"):
        head, _, size = token[:-4].rpartition("_")
        token = head if head and _SIZE.match(size) else token[:-4]
    return token if _IMAGE_ID.match(token) else None


def image_url(identifier: str) -> str:
    """Full-size URL of an image id."""
    return f"{IMAGE_HOST}/{identifier}_{FULL_SIZE}.jpg"


def _short_id(identifier: str) -> str:
    # `00p0p_dGGWjIKTVa0` and `dGGWjIKTVa0` (data-imgid) name the same image.
    return identifier.split("_", 1)[1] if "_" in identifier else identifier


def split_image_ids(value: str | None) -> list[str]:
    """Ids from `data-ids="3:00x0x_a,3:00e0e_b"` or the jsonsearch ImageThumb list.

    jsonsearch joins the ids into one URL:
    `https://images.craigslist.org/00B0B_a,1:01313_b,1:00C0C_c_50x50c.jpg`.
    """
    if not value:
        return []
    ids: list[str] = []
    for part in value.split(",")[:200]:
        identifier = image_id(part) or image_id(part.strip() + ".jpg")
        if identifier and identifier not in ids:
            ids.append(identifier)
    return ids


def posting_images(
    tree: LexborHTMLParser, scripts: list[str], ld_nodes: Iterable[dict[str, Any]]
) -> list[str]:
    """Distinct full-size image URLs of a posting, in gallery order."""
    candidates: list[str] = []
    listing = js_value(scripts, "imgList")
    if isinstance(listing, list):
        for entry in listing[:500]:
            if isinstance(entry, dict):
                url = entry.get("url") or entry.get("imgid") or ""
                candidates.append(str(url))
            elif isinstance(entry, str):
                candidates.append(entry)
    for selector, attribute in (
        ("#thumbs a[href]", "href"),
        (".gallery img[src]", "src"),
        ("a.thumb[href]", "href"),
        ('table[summary*="images"] img[src]', "src"),
        ("#iwt a[href]", "href"),
    ):
        candidates.extend(
            node.attributes.get(attribute) or "" for node in tree.css(selector)
        )
    # Slides and galleries name images by id; only full ids ("00p0p_…") give a URL,
    # the short ids of some eras lack the prefix the image host needs.
    for slide in tree.css("[data-imgid], .gallery [data-ids], figure [data-ids]"):
        for token in split_image_ids(
            slide.attributes.get("data-ids") or slide.attributes.get("data-imgid")
        ):
            if _FULL_ID.match(token):
                candidates.append(token)
    for node in ld_nodes:
        images = node.get("image")
        for image in images if isinstance(images, list) else [images]:
            if isinstance(image, str):
                candidates.append(image)
            elif isinstance(image, dict) and isinstance(image.get("url"), str):
                candidates.append(image["url"])
    if not candidates:
        meta = tree.css_first('meta[property="og:image"]')
        if meta is not None:
            candidates.append(meta.attributes.get("content") or "")
    urls: list[str] = []
    seen: set[str] = set()
    for candidate in candidates:
        identifier = image_id(candidate)
        if identifier:
            key, url = _short_id(identifier), image_url(identifier)
        elif (
            candidate.startswith(("http://", "https://")) and "craigslist" in candidate
        ):
            key, url = candidate.rsplit("/", 1)[-1], candidate
        else:
            continue
        if key not in seen:
            seen.add(key)
            urls.append(url)
    return urls
