"""Price, housing summary and location of a posting.

Sources in order: the title line (`span.price`, `span.housing`), the attribute
group ("2BR / 1Ba", "925ft²"), JSON-LD (`Apartment`, `House`, `Product`,
`JobPosting.jobLocation`), then the gen A title prefix. Craigslist's 0,0
coordinates mean "no location".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scraping.parsing.attributes import AttributeReading
from scraping.parsing.dom import node_line
from scraping.parsing.page import PostingPage, meta_content
from scraping.parsing.scripts import js_value
from scraping.parsing.text import (
    DOLLAR_COUNTRIES,
    clean_or_none,
    coordinates,
    parse_housing,
    parse_money,
    to_number,
)
from scraping.parsing.types import ParsedPosting
from scraping.parsing.urls import JOB_CATEGORIES


def _default_dollar(page: PostingPage, result: ParsedPosting) -> str:
    region = meta_content(page.tree, "geo.region") or ""
    country = region.split("-", 1)[0].upper() if region else ""
    if not country:
        value = js_value(page.scripts, "areaCountry")
        country = value.upper() if isinstance(value, str) else ""
    host = urlsplit(result.url or page.url or "").hostname or ""
    if not country and host.endswith(".ca"):
        country = "CA"
    return DOLLAR_COUNTRIES.get(country, "USD")


def read_housing(
    page: PostingPage, result: ParsedPosting, reading: AttributeReading
) -> None:
    """Fill price, currency, bedrooms, bathrooms and sqft."""
    tree = page.tree
    dollar = _default_dollar(page, result)
    price_node = tree.css_first(".postingtitletext .price, .postingtitle .price")
    texts = [node_line(price_node)] if price_node is not None else []
    housing = tree.css_first(".postingtitletext .housing, .postingtitle .housing")
    if page.classic_summary:
        texts.append(page.classic_summary)
        reading.housing_texts.append(page.classic_summary)
    for text in texts:
        if text and result.price is None:
            result.price, result.currency = parse_money(text, dollar)
    sources = [*reading.housing_texts, *reading.flag_texts]
    if housing is not None:
        sources.append(node_line(housing) or "")
    for text in sources:
        bedrooms, bathrooms, sqft = parse_housing(text)
        result.bedrooms = result.bedrooms if result.bedrooms is not None else bedrooms
        result.bathrooms = (
            result.bathrooms if result.bathrooms is not None else bathrooms
        )
        result.sqft = result.sqft if result.sqft is not None else sqft
    for node in page.ld_nodes:
        _housing_from_json_ld(result, node)
    if result.price == 0 and (result.category in JOB_CATEGORIES):
        # Job and gig pages show "$0" when no price applies.
        result.price, result.currency = None, None


def _housing_from_json_ld(result: ParsedPosting, node: dict[str, Any]) -> None:
    if result.bedrooms is None:
        result.bedrooms = to_number(
            node.get("numberOfBedrooms") or node.get("numberOfRooms")
        )
    if result.bathrooms is None:
        result.bathrooms = to_number(
            node.get("numberOfBathroomsTotal") or node.get("numberOfFullBathrooms")
        )
    floor = node.get("floorSize")
    if result.sqft is None and isinstance(floor, dict):
        size = to_number(floor.get("value"))
        unit = str(floor.get("unitCode") or floor.get("unitText") or "").upper()
        if size is not None:
            result.sqft = (
                round(size * 10.7639) if unit in {"MTK", "M2", "SQM"} else size
            )
    offers = node.get("offers")
    offer = offers[0] if isinstance(offers, list) and offers else offers
    if result.price is None and isinstance(offer, dict):
        result.price = to_number(offer.get("price"))
        currency = offer.get("priceCurrency")
        result.currency = (
            currency if isinstance(currency, str) and result.price else None
        )


# ------------------------------------------------------------------------- location


def read_location(page: PostingPage, result: ParsedPosting) -> None:
    """Fill latitude, longitude and map_address."""
    tree = page.tree
    for node in tree.css(
        "#map[data-latitude], #leaflet[data-latitude], [data-latitude]"
    ):
        lat, lng = coordinates(
            node.attributes.get("data-latitude"), node.attributes.get("data-longitude")
        )
        if lat is not None:
            result.latitude, result.longitude = lat, lng
            break
    if result.latitude is None:
        for name, separator in (("geo.position", ";"), ("ICBM", ",")):
            content = meta_content(tree, name)
            if content and separator in content:
                lat_text, _, lng_text = content.partition(separator)
                result.latitude, result.longitude = coordinates(lat_text, lng_text)
                if result.latitude is not None:
                    break
    result.map_address = node_line(tree.css_first("div.mapaddress")) or node_line(
        tree.css_first("h2.street-address")
    )
    for ld_node in page.ld_nodes:
        places = [ld_node, ld_node.get("jobLocation"), ld_node.get("geo")]
        offers = ld_node.get("offers")
        if isinstance(offers, dict):
            places.append(offers.get("availableAtOrFrom"))
        for place in places:
            for item in place if isinstance(place, list) else [place]:
                if isinstance(item, dict):
                    _place_from_json_ld(result, item)


def _place_from_json_ld(result: ParsedPosting, place: dict[str, Any]) -> None:
    geo = place.get("geo") if isinstance(place.get("geo"), dict) else place
    if result.latitude is None and isinstance(geo, dict):
        result.latitude, result.longitude = coordinates(
            geo.get("latitude"), geo.get("longitude")
        )
    address = place.get("address")
    if result.map_address is None and isinstance(address, dict):
        parts = [
            clean_or_none(address.get(key))
            for key in (
                "streetAddress",
                "addressLocality",
                "addressRegion",
                "postalCode",
            )
        ]
        if parts[0]:
            result.map_address = ", ".join(part for part in parts if part)
    elif result.map_address is None and isinstance(address, str):
        result.map_address = clean_or_none(address)
