"""A Craigslist look-alike for tests, demos and benchmarks, served on loopback.

URL scheme (one port; each Craigslist city host becomes a path prefix, so
`https://sfbay.craigslist.org/X` is `<base>/sfbay/X` here; Host headers are ignored):

    /robots.txt                          Craigslist's published rules, plus the
                                         same rules under the /<site>/ prefix
    /<site>/search/<cat>?query=Q&s=N     search page: 25 cards from offset N
    /<site>/search/<sub>/<cat>?…         the same, one subarea only
    /<site>/[<sub>/]<cat>/d/<slug>/<pid>.html   posting page (any slug works)
    /<site>/reply/…                      reply-form stand-in (robots.txt forbids it)
    /gone/<anything>                     "deleted by its author" page, status 200
    /jsapp?ext=URL                       page drawn by JavaScript; loads URL too
    /real/<file>                         a page of shared/craigslist/, byte for byte
    /<host>/<path>                       a shared page at its canonical URL
                                         https://<host>.craigslist.org/<path>, its
                                         craigslist.org links pointed here
    /__fixture__/requests                the request log as JSON (not logged)
    /__fixture__/reset                   clear the log and fault counters
    anything else                        404 page

Sites: sfbay, newyork, seattle, phoenix, milwaukee. Categories: sof web sad lab
(jobs), cpg crg wrg lbg (gigs), apa reo (housing), and whole sections jjj ggg hhh.
Results are newest first. A next page is announced both by `<link rel="next" href=…>`
in the head and by the gen-C style `div.paginator a.button.next[href]`; the last page
has neither link (its `span.button.next` has no href).

Faults, by query string on any path (counted per path+query, so a unique query string
gives a test its own counter):

    fault=<status>[&times=N][&retry_after=V]  answer <status> N times (default 1), then
                                              serve normally; 429/503 send Retry-After
    fault=slow&delay=S      sleep S seconds (≤ 30), then serve normally
    fault=stall             never answer (until the server stops; ≤ 30 s)
    fault=big&size=N[&cl=0] N bytes of body; cl=0 leaves out Content-Length
    fault=redirect[&to=URL][&code=302]        redirect anywhere (an open redirect);
                                              without `to`, to itself (a loop)
    fault=blocked           403 "Your request has been blocked" page
    fault=gone              the "deleted by its author" page

and from Python: `FixtureSite(robots_txt=…, robots_status=500, robots_delay=5)`,
`site.faults.gone_ids.add(pid)`, `site.faults.fail_next(path, 503, 503)`.
Every generated page carries an ETag (postings also Last-Modified) and answers
conditional requests with 304. `site.requests` logs arrivals with monotonic times.
"""

from .data import (
    CATEGORIES,
    SECTIONS,
    SITES,
    Category,
    Posting,
    Site,
    generate_postings,
)
from .pages import PAGE_SIZE, ROBOTS_TXT, posting_url, search_url, site_root
from .server import FixtureFaults, FixtureSite, RequestRecord, default_shared_dir

__all__ = [
    "CATEGORIES",
    "PAGE_SIZE",
    "ROBOTS_TXT",
    "SECTIONS",
    "SITES",
    "Category",
    "FixtureFaults",
    "FixtureSite",
    "Posting",
    "RequestRecord",
    "Site",
    "default_shared_dir",
    "generate_postings",
    "posting_url",
    "search_url",
    "site_root",
]
