"""URL helpers and the search and small pages of the fixture site (gen D markup).

Search pages copy `search_apa_milwaukee_2026.html` (the no-JS `cl-static` list, plus
`ld_searchpage_results` JSON-LD for housing); posting pages copy
`posting_lab_sfbay_www_2026.html` and `posting_apa_milwaukee_2026.html`
(`window.cl.init` with pID/repost_of, `#titletextonly`, `div.attr.<key>`,
`section#postingbody`, `div.postinginfos`). Every link stays on the fixture site.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from urllib.parse import urlencode

from .data import CATEGORIES, SECTIONS, SITES, Posting

PAGE_SIZE = 25

ROBOTS_TXT = """\
# The rules craigslist.org publishes (2026), then the same rules under this fixture
# site's /<site>/ path prefix, which stands in for Craigslist's per-city hosts.
User-agent: *
Disallow: /reply
Disallow: /fb/
Disallow: /suggest
Disallow: /flag
Disallow: /mf
Disallow: /mailflag
Disallow: /eaf
Disallow: /*/reply
Disallow: /*/fb/
Disallow: /*/suggest
Disallow: /*/flag
Disallow: /*/mf
Disallow: /*/mailflag
Disallow: /*/eaf
"""


def site_root(base_url: str, site: str) -> str:
    """The fixture's stand-in for https://<site>.craigslist.org."""
    return f"{base_url.rstrip('/')}/{site}"


def search_url(
    base_url: str,
    site: str,
    category: str,
    query: str | None = None,
    offset: int = 0,
    subarea: str | None = None,
) -> str:
    """URL of a search page: <base>/<site>/search/[<subarea>/]<cat>?query=&s=."""
    path = f"/search/{subarea}/{category}" if subarea else f"/search/{category}"
    params: dict[str, str | int] = {}
    if query:
        params["query"] = query
    if offset:
        params["s"] = offset
    suffix = f"?{urlencode(params)}" if params else ""
    return f"{site_root(base_url, site)}{path}{suffix}"


def posting_url(base_url: str, posting: Posting) -> str:
    """<base>/<site>/[<sub>/]<cat>/d/<slug>/<pid>.html."""
    sub = f"/{posting.subarea}" if posting.subarea else ""
    return (
        f"{site_root(base_url, posting.site)}{sub}/{posting.category}"
        f"/d/{posting.slug}/{posting.pid}.html"
    )


def _script_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def _cl_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S%z")


def _head(title: str, canonical: str, extra: str = "") -> str:
    t = escape(title)
    c = escape(canonical)
    return f"""<!DOCTYPE html>
<html>
<head>
\t<meta charset="UTF-8">
\t<meta http-equiv="X-UA-Compatible" content="IE=Edge">
\t<meta name="viewport" content="width=device-width,initial-scale=1">
\t<meta property="og:site_name" content="craigslist">
\t<meta name="twitter:card" content="preview">
\t<meta property="og:title" content="{t}">
\t<meta property="og:url" content="{c}">
\t<title>{t}</title>
\t<link rel="canonical" href="{c}">
{extra}</head>
"""


def _price_text(posting: Posting) -> str:
    return f"${posting.price:,}" if posting.price is not None else "$0"


def render_search(
    base_url: str,
    *,
    site: str,
    category: str,
    subarea: str | None,
    query: str | None,
    offset: int,
    results: list[Posting],
    page_size: int = PAGE_SIZE,
) -> str:
    """One page of search results (`results` is the whole ordered result list)."""
    info = SITES[site]
    cat = CATEGORIES.get(category) or SECTIONS[category]
    page = results[offset : offset + page_size]
    total = len(results)
    url = search_url(base_url, site, category, query, offset, subarea)
    root = site_root(base_url, site)
    label = f"{cat.name.title()}" + (f' "{query}"' if query else "")
    heading = f"{label} in {info.display}, {info.region}"
    links = []
    next_url = None
    if offset + page_size < total:
        next_url = search_url(
            base_url, site, category, query, offset + page_size, subarea
        )
        links.append(f'\t<link rel="next" href="{escape(next_url)}">\n')
    if offset > 0:
        prev = search_url(
            base_url, site, category, query, max(0, offset - page_size), subarea
        )
        links.append(f'\t<link rel="prev" href="{escape(prev)}">\n')
    breadcrumb = {
        "@context": "https://schema.org",
        "@type": "SearchResultsPage",
        "description": heading,
        "breadcrumb": {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": f"{site}.craigslist.org",
                 "item": root},
                {"@type": "ListItem", "position": 2, "name": cat.section_name,
                 "item": f"{root}/search/{cat.section}"},
                {"@type": "ListItem", "position": 3, "name": cat.name,
                 "item": f"{root}/search/{category}"},
            ],
        },
    }  # fmt: skip
    ld = (
        '<script type="application/ld+json" id="ld_searchpage_data" >\n'
        f"    {_script_json(breadcrumb)}\n</script>\n"
    )
    if cat.section == "hhh":
        items = [
            {
                "@type": "ListItem",
                "position": str(i),
                "item": {
                    "@context": "http://schema.org",
                    "@type": "Apartment" if p.category == "apa" else "House",
                    "name": p.title,
                    "numberOfBedrooms": p.bedrooms,
                    "numberOfBathroomsTotal": p.bathrooms,
                    "latitude": p.latitude,
                    "longitude": p.longitude,
                    "address": {
                        "@type": "PostalAddress",
                        "addressLocality": p.hood,
                        "addressRegion": SITES[p.site].region,
                        "addressCountry": "",
                        "postalCode": "",
                        "streetAddress": "",
                    },
                },
            }
            for i, p in enumerate(page)
        ]
        itemlist = {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "itemListElement": items,
        }
        ld += (
            '<script type="application/ld+json" id="ld_searchpage_results" >\n'
            f"    {_script_json(itemlist)}\n</script>\n"
        )
    init = {
        "areaAbbrev": info.area_abbr,
        "areaId": str(info.area_id),
        "areaName": info.name,
        "defaultLocale": "en_US",
        "initialCategoryAbbr": category,
        "location": {"v": 1, "type": "area", "areaId": info.area_id},
        "subareas": [
            {"abbr": abbr, "name": name, "id": i + 1}
            for i, (abbr, name, _hoods) in enumerate(info.subareas)
        ],
    }
    init_lines = ",\n".join(f"'{k}': {_script_json(v)}" for k, v in init.items())
    cards = []
    for p in page:
        href = escape(posting_url(base_url, p))
        title = escape(p.title)
        cards.append(
            f"""        <li class="cl-static-search-result" title="{title}">
            <a href="{href}">
                <div class="title">{title}</div>

                <div class="details">
                    <div class="price">{_price_text(p)}</div>
                    <div class="location">
                        {escape(p.hood)}
                    </div>
                </div>
            </a>
        </li>
"""
        )
    paginator = ""
    if total:
        first, last = offset + 1 if page else offset, offset + len(page)
        nxt = (
            f'<a href="{escape(next_url)}" class="button next" title="next page">'
            "next &gt; </a>"
            if next_url
            else '<span class="button next">next &gt; </span>'
        )
        paginator = f"""    <div class="paginator buttongroup">
        <span class="resulttotal"><span class="rangeFrom">{first}</span> - <span
 class="rangeTo">{last}</span> / <span class="totalcount">{total}</span></span>
        {nxt}
    </div>
"""
    hub = f"""        <li class="cl-static-hub-links">
            <div>see also</div>
                <p>
                    <a href="{escape(root)}/search/{cat.section}">
                        all {escape(cat.section_name)}
                    </a>
                </p>
        </li>
"""
    head = _head(f"{info.name} {label} - craigslist", url, "".join(links) + ld)
    return f"""{head}
<body  class="no-js"  >
    <div class="cl-content">
        <main>
        </main>
    </div>
     <script>
         window.cl.init(
             '{escape(base_url)}/static/www/',
             '',
             'www',
             'search',
             {{
{init_lines}
}},
             0
         );
     </script>
    <div class="cl-static-header">
        <a href="{escape(root)}/">craigslist</a>
            <h1>{escape(heading)}</h1>
    </div>

    <ol class="cl-static-search-results">
{hub}{"".join(cards)}    </ol>
{paginator}</body>
</html>
"""


def render_not_found() -> str:
    """Craigslist's plain 404 page."""
    return """<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>craigslist | Page Not Found</title></head>
<body><div class="notfound"><h1>Page Not Found</h1>
<p>Sorry, the page you are looking for does not exist.</p></div></body>
</html>
"""


def render_blocked(block_id: str) -> str:
    """The 403 page Craigslist serves to clients it has blocked."""
    return f"""<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>blocked</title></head>
<body><p>Your request has been blocked.</p>
<p>If you believe this is in error, please contact us.</p>
<p>blockID={escape(block_id)}</p></body>
</html>
"""


def render_index(base_url: str) -> str:
    """A home page listing every site and category (for people, not crawlers)."""
    rows = []
    for site in SITES:
        links = " ".join(
            f'<a href="{escape(search_url(base_url, site, c))}">{c}</a>'
            for c in CATEGORIES
        )
        rows.append(f"<li>{site}: {links}</li>")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="UTF-8">'
        "<title>craigslist fixture site</title></head>\n<body><h1>fixture site</h1>"
        f"<ul>{''.join(rows)}</ul></body></html>\n"
    )


def render_js_app(external: str | None) -> str:
    """A page whose content only exists after JavaScript runs (browser tests).

    `external` is a URL the page tries to load as an image, a script and a fetch,
    so tests can check that the browser fetcher blocks off-allowlist sub-requests.
    """
    loads = ""
    if external:
        ext = escape(external)
        loads = (
            f'<img id="ext-img" src="{ext}">\n<script src="{ext}"></script>\n'
            f"<script>fetch({json.dumps(external)}).catch(function () {{}});</script>\n"
        )
    return f"""<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>js app</title></head>
<body class="no-js">
<main id="app"></main>
<script>
document.getElementById("app").innerHTML =
    '<ol class="cl-static-search-results"><li class="cl-search-result" ' +
    'data-pid="7970000001"><span class="label">rendered by javascript</span></li></ol>';
document.body.classList.remove("no-js");
</script>
{loads}</body>
</html>
"""
