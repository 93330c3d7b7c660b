"""Posting pages of the fixture site, and the pages shown once a posting is gone.

Modelled on `posting_lab_sfbay_www_2026.html` and `posting_apa_milwaukee_2026.html`:
`window.cl.init` with pID/repost_of, `#titletextonly`, `div.attrgroup > div.attr.<key>`
with `span.labl`/`span.valu`, `section#postingbody`, `ul.notices`, `div.postinginfos`.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode

from .data import CATEGORIES, EMPLOYMENT_TYPES, SITES, Posting
from .pages import _cl_time, _head, _price_text, _script_json, posting_url, site_root

GONE_MESSAGES = {
    "deleted": "This posting has been deleted by its author.",
    "expired": "This posting has expired.",
    "flagged": "This posting has been flagged for removal.",
}


def _attr(key: str | None, label: str | None, value: str) -> str:
    cls = f"attr {key}" if key else "attr"
    labl = (
        f'\n                <span class="labl">{escape(label)}:</span>' if label else ""
    )
    return f"""            <div class="{cls}">{labl}
                <span class="valu">{value}</span>
            </div>
"""


def _link_value(root: str, category: str, param: str, code: str, text: str) -> str:
    href = escape(f"{root}/search/{category}?{urlencode({param: code})}")
    return f'              <a href="{href}">{escape(text)}</a>\n'


def _attr_groups(posting: Posting, root: str) -> str:
    cat = posting.category
    groups: list[str] = []
    if posting.section == "hhh":
        rooms = f"{posting.bedrooms}BR / {posting.bathrooms:g}Ba"
        important = [rooms, f"{posting.sqft}ft<sup>2</sup>"]
        if posting.available:
            important.append(escape(posting.available))
        spans = "".join(
            f"""            <span class="attr important">
                {text}
            </span>
"""
            for text in important
        )
        groups.append(spans)
        named = {"rent_period", "pets_cat", "pets_dog", "no_smoking"}
        flags = "".join(
            _attr(
                param if param in named else None,
                "rent period" if param == "rent_period" else None,
                _link_value(root, cat, param, code, text),
            )
            for param, code, text in posting.housing_attrs
        )
        groups.append(flags)
    else:
        attrs = []
        if posting.compensation:
            attrs.append(
                _attr("remuneration", "compensation", escape(posting.compensation))
            )
        if posting.employment_type:
            code = str(EMPLOYMENT_TYPES.index(posting.employment_type) + 1)
            attrs.append(
                _attr(
                    "employment_type",
                    "employment type",
                    _link_value(
                        root, cat, "employment_type", code, posting.employment_type
                    ),
                )
            )
        if posting.experience_level:
            attrs.append(
                _attr(
                    "experience_level",
                    "experience level",
                    escape(posting.experience_level),
                )
            )
        if posting.job_title:
            attrs.append(_attr("job_title", "job title", escape(posting.job_title)))
        groups.append("".join(attrs))
        flag_divs: list[str] = []
        if posting.is_remote:
            flag_divs.append(
                _attr(
                    "is_telecommuting",
                    None,
                    _link_value(
                        root, cat, "is_telecommuting", "1", "telecommuting okay"
                    ),
                )
            )
        if posting.is_internship:
            flag_divs.append(
                _attr(
                    "is_internship",
                    None,
                    _link_value(root, cat, "is_internship", "1", "internship"),
                )
            )
        if posting.is_nonprofit:
            flag_divs.append(
                _attr(
                    "is_nonprofit",
                    None,
                    _link_value(
                        root, cat, "is_nonprofit", "1", "non-profit organization"
                    ),
                )
            )
        if flag_divs:
            groups.append("".join(flag_divs))
    return "".join(
        f'    <div class="attrgroup">\n{g}    </div>\n' for g in groups if g.strip()
    )


def _body_html(posting: Posting) -> str:
    paragraphs = [
        "<br>\n".join(escape(line) for line in para.split("\n"))
        for para in posting.body_paragraphs
    ]
    return "<br>\n<br>\n".join(paragraphs) + "<br>\n"


def _posting_ld(posting: Posting) -> dict[str, object] | None:
    info = SITES[posting.site]
    if posting.section == "hhh":
        return {
            "@context": "http://schema.org",
            "@type": "Apartment" if posting.category == "apa" else "House",
            "name": posting.title,
            "numberOfBedrooms": str(posting.bedrooms),
            "numberOfBathroomsTotal": posting.bathrooms,
            "latitude": str(posting.latitude),
            "longitude": str(posting.longitude),
            "petsAllowed": any(a[0] == "pets_cat" for a in posting.housing_attrs),
            "smokingAllowed": not any(
                a[0] == "no_smoking" for a in posting.housing_attrs
            ),
            "address": {
                "@type": "PostalAddress",
                "streetAddress": posting.street,
                "addressLocality": posting.hood,
                "addressRegion": info.region,
                "addressCountry": "US",
            },
        }
    # Only some job postings carry JobPosting JSON-LD, as on the live site.
    if posting.section == "jjj" and posting.pid % 4 == 0:
        kind = (posting.employment_type or "").upper().replace("-", "_")
        return {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": posting.job_title,
            "datePosted": posting.posted.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "employmentType": kind if kind in {"FULL_TIME", "PART_TIME"} else "OTHER",
            "hiringOrganization": {"@type": "Organization", "name": posting.company},
            "jobLocation": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": posting.hood,
                    "addressRegion": info.region,
                    "addressCountry": "US",
                },
            },
        }
    return None


def _breadcrumbs(posting: Posting, root: str) -> tuple[str, dict[str, Any]]:
    info, cat = SITES[posting.site], CATEGORIES[posting.category]
    crumbs = [(f"craigslist: {info.display}", f"{root}/", "area")]
    if posting.subarea:
        sub_name = next(n for a, n, _h in info.subareas if a == posting.subarea)
        crumbs.append((sub_name, f"{root}/{posting.subarea}/", "subarea"))
    crumbs.append((cat.section_name, f"{root}/search/{cat.section}", "section"))
    crumbs.append((cat.name, f"{root}/search/{posting.category}", "category"))
    html = "".join(
        f"""        <li class="crumb {kind}">
            <p>
                <a href="{escape(href)}">{escape(name)}</a>
            </p>
        </li>
"""
        for name, href, kind in crumbs
    )
    data = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i + 1, "name": name, "item": href}
            for i, (name, href, _kind) in enumerate(crumbs)
        ],
    }
    return html, data


def render_posting(base_url: str, posting: Posting) -> str:
    """A live posting page."""
    info, cat = SITES[posting.site], CATEGORIES[posting.category]
    root = site_root(base_url, posting.site)
    url = posting_url(base_url, posting)
    title = escape(posting.title)
    crumbs_html, crumbs_ld = _breadcrumbs(posting, root)
    extra = ""
    if posting.latitude is not None:
        extra += (
            f'\t<meta name="geo.position" content="{posting.latitude};'
            f'{posting.longitude}">\n'
            f'\t<meta name="geo.placename" content="{escape(posting.hood)}">\n'
            f'\t<meta name="geo.region" content="US-{info.region}">\n'
        )
    expires = (posting.posted + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    extra += f'\t<meta name="robots" content="unavailable_after: {expires}">\n'
    extra += (
        '<script type="application/ld+json" id="ld_breadcrumb_data" >\n'
        f"    {_script_json(crumbs_ld)}\n</script>\n"
    )
    ld = _posting_ld(posting)
    if ld is not None:
        extra += (
            '<script type="application/ld+json" id="ld_posting_data" >\n'
            f"    {_script_json(ld)}\n</script>\n"
        )
    init: dict[str, object] = {
        "areaId": info.area_id,
        "categoryAbbr": posting.category,
        "defaultLocale": "en_US",
        "pID": posting.pid,
    }
    if posting.repost_of is not None:
        init["repost_of"] = posting.repost_of
    if posting.subarea:
        init["subareaId"] = [a for a, _n, _h in info.subareas].index(
            posting.subarea
        ) + 1
    init_lines = ",\n".join(f"'{k}': {_script_json(v)}" for k, v in init.items())
    reply = escape(
        f"{root}/reply/{info.area_abbr}/{posting.category}/{posting.pid}/__SERVICE_ID__"
    )
    price = ""
    if posting.price is not None:
        price = f'<span class="price">{_price_text(posting)}</span> '
    if posting.section == "hhh":
        price += (
            f'<span class="housing">/ {posting.bedrooms}br - '
            f"{posting.sqft}ft<sup>2</sup> - </span>"
        )
    street = ""
    if posting.section == "hhh" and posting.street and posting.pid % 2:
        street = (
            f'    <h2 class="street-address">{escape(posting.street)}, '
            f"{escape(posting.hood)}, {info.region}</h2>\n"
        )
    mapbox = ""
    if posting.latitude is not None:
        address = ""
        if posting.street:
            address = f'\n    <div class="mapaddress">{escape(posting.street)}</div>'
        mapbox = f"""<div class="mapbox">
    <div id="map" class="viewposting" data-latitude="{posting.latitude:.6f}" \
data-longitude="{posting.longitude:.6f}" data-accuracy="10"></div>{address}
    <p class="mapaddress">
        <small>
            <a target="_blank" href="https://www.google.com/maps/search/\
{posting.latitude},{posting.longitude}">google map</a>
        </small>
    </p>
</div>
"""
    notices = "".join(f"            <li>{escape(n)}</li>\n" for n in posting.notices)
    updated = ""
    if posting.updated is not None:
        updated = (
            '                <p class="postinginfo reveal">updated: <time class="date '
            f'timeago" datetime="{_cl_time(posting.updated)}">'
            f"{posting.updated:%Y-%m-%d %H:%M}</time></p>\n"
        )
    head = _head(f"{posting.title} - {cat.name} - craigslist", url, extra)
    return f"""{head}
<body  class="no-js show-curtain opaque posting"  >
     <script>
         window.cl.init(
             '{escape(base_url)}/static/www/',
             '',
             'www',
             'posting',
             {{
{init_lines}
}},
             0
         );
     </script>
    <section class="page-container flexed-footer">
<header class="global-header wide">
   <a class="header-logo" name="logoLink" href="{escape(root)}/">CL</a>
    <nav class="breadcrumbs-container">
<ul class="breadcrumbs">
{crumbs_html}</ul>
    </nav>
</header>
        <section class="body">
<header class="dateReplyBar">
    <div class="reply-button-row">
    <div class="actions-combo">
    <button role="button" class="reply-button js-only" data-href="{reply}">
      reply
    </button>
      <div class="reply-info js-only"></div>
    </div>
            <p id="display-date" class="postinginfo reveal">
                    Posted
                    <time class="date timeago" datetime="{_cl_time(posting.posted)}">
                        {posting.posted:%Y-%m-%d %H:%M}
                    </time>
            </p>
    </div>
</header>

<h1 class="postingtitle">
    <span class="postingtitletext">
{price}<span id="titletextonly">{title}</span><span> ({escape(posting.hood)})</span>\
    </span>
</h1>
{street}<section class="userbody">
    <div class="mapAndAttrs">
{mapbox}{_attr_groups(posting, root)}    </div>

    <section id="postingbody">
        <div class="print-information print-qrcode-container">
            <p class="print-qrcode-label">QR Code Link to This Post</p>
            <div class="print-qrcode"
                data-location="{escape(url)}">
            </div>
        </div>
{_body_html(posting)}    </section>

<ul class="notices">
{notices}</ul>

    <div class="postinginfos">
            <p class="postinginfo">post id: {posting.pid}</p>
                <p class="postinginfo reveal">posted: <time class="date timeago" \
datetime="{_cl_time(posting.posted)}">{posting.posted:%Y-%m-%d %H:%M}</time></p>
{updated}    </div>
</section>
        </section>
<footer class="cl-footer-tx">
    <div class="copyright">&copy; 2026 craigslist</div>
</footer>
    </section>
</body>
</html>
"""


def render_gone(base_url: str, posting: Posting | None, status: str) -> str:
    """The page Craigslist shows for a deleted, expired or flagged posting."""
    message = GONE_MESSAGES[status]
    crumbs = ""
    pid_script = ""
    if posting is not None:
        crumbs_html, _ld = _breadcrumbs(posting, site_root(base_url, posting.site))
        crumbs = f'<ul class="breadcrumbs">\n{crumbs_html}</ul>\n'
        pid_script = f"<script>\n    var pID = {posting.pid};\n</script>\n"
    return f"""<!DOCTYPE html>
<html>
<head>
\t<meta charset="UTF-8">
\t<meta name="robots" content="noindex">
\t<title>craigslist | post not found</title>
{pid_script}</head>
<body class="posting">
    <section class="page-container">
{crumbs}        <section class="body">
            <div class="removed">
                <h2>{escape(message)}</h2>
                <h5>(The title on the listings page will be removed in just a few \
minutes.)</h5>
            </div>
        </section>
    </section>
</body>
</html>
"""
