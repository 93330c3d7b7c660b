"""Deterministic fake postings for the fixture site.

`generate_postings(seed, count)` always returns the same list for the same
arguments: jobs, gigs and housing over several sites, with reposts (same text, new
id, `repost_of` set), cross-city duplicates (same text, another site), postings that
show an e-mail address or phone number in the body, and a few deleted, expired or
flagged ones. Ids grow with the posting time, as on Craigslist.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Site:
    """A Craigslist site (city) with its area code, subareas and time zone."""

    name: str
    area_abbr: str
    area_id: int
    display: str
    region: str
    utc_offset_hours: int
    lat: float
    lon: float
    subareas: tuple[tuple[str, str, tuple[str, ...]], ...]  # (abbr, name, hoods)
    hoods: tuple[str, ...] = ()  # for sites without subareas

    @property
    def tz(self) -> timezone:
        """The site's standard-time offset (the data is all after DST ended)."""
        return timezone(timedelta(hours=self.utc_offset_hours))


@dataclass(frozen=True, slots=True)
class Category:
    """A Craigslist category and the section it belongs to."""

    abbr: str
    name: str
    section: str  # jjj, ggg, hhh

    @property
    def section_name(self) -> str:
        """The section name: jobs, gigs or housing."""
        return {"jjj": "jobs", "ggg": "gigs", "hhh": "housing"}[self.section]


SITES: dict[str, Site] = {
    s.name: s
    for s in (
        Site(
            "sfbay", "sfo", 1, "SF bay area", "CA", -8, 37.7749, -122.4194,
            (
                ("sfc", "san francisco", ("SOMA / south beach", "mission district",
                                          "financial district", "inner sunset")),
                ("eby", "east bay", ("oakland downtown", "berkeley",
                                     "dublin / pleasanton / livermore", "fremont")),
                ("pen", "peninsula", ("palo alto", "redwood city", "san mateo")),
                ("sby", "south bay", ("san jose downtown", "sunnyvale",
                                      "mountain view")),
            ),
        ),
        Site(
            "newyork", "nyc", 3, "new york city", "NY", -5, 40.7128, -74.0060,
            (
                ("mnh", "manhattan", ("Midtown", "Chelsea", "Upper West Side",
                                      "Financial District")),
                ("brk", "brooklyn", ("Williamsburg", "Park Slope", "Bushwick")),
                ("que", "queens", ("Astoria", "Long Island City", "Flushing")),
            ),
        ),
        Site(
            "seattle", "sea", 2, "seattle-tacoma", "WA", -8, 47.6062, -122.3321,
            (
                ("see", "seattle", ("Capitol Hill", "Fremont", "Ballard",
                                    "South Lake Union")),
                ("est", "eastside", ("Bellevue", "Redmond", "Kirkland")),
            ),
        ),
        Site(
            "phoenix", "phx", 18, "phoenix", "AZ", -7, 33.4483, -112.0730,
            (
                ("cph", "central/south phx", ("Downtown Phoenix", "Arcadia")),
                ("evl", "east valley", ("Tempe", "Chandler", "Mesa", "Gilbert")),
            ),
        ),
        Site(
            "milwaukee", "mil", 47, "milwaukee", "WI", -6, 43.0389, -87.9065, (),
            hoods=("Wauwatosa", "Bay View", "Third Ward", "East Side",
                   "Walker's Point"),
        ),
    )
}  # fmt: skip

CATEGORIES: dict[str, Category] = {
    c.abbr: c
    for c in (
        Category("sof", "software / qa / dba / etc", "jjj"),
        Category("web", "web / html / info design", "jjj"),
        Category("sad", "systems / networking", "jjj"),
        Category("lab", "general labor", "jjj"),
        Category("cpg", "computer gigs", "ggg"),
        Category("crg", "creative gigs", "ggg"),
        Category("wrg", "writing gigs", "ggg"),
        Category("lbg", "labor gigs", "ggg"),
        Category("apa", "apartments / housing for rent", "hhh"),
        Category("reo", "real estate - by owner", "hhh"),
    )
}

SITE_WEIGHTS = {
    "sfbay": 34,
    "newyork": 24,
    "seattle": 16,
    "phoenix": 13,
    "milwaukee": 13,
}
CATEGORY_WEIGHTS = {"sof": 24, "web": 9, "sad": 8, "lab": 11, "cpg": 6, "crg": 5,
                    "wrg": 5, "lbg": 6, "apa": 16, "reo": 10}  # fmt: skip

# Whole sections can be searched too (/search/jjj is "all jobs").
SECTIONS: dict[str, Category] = {
    abbr: Category(abbr, name, abbr)
    for abbr, name in (("jjj", "jobs"), ("ggg", "gigs"), ("hhh", "housing"))
}

EMPLOYMENT_TYPES = ("full-time", "part-time", "contract", "employee's choice")
EXPERIENCE_LEVELS = ("entry level", "mid level", "senior level")
NOTICE_PRINCIPALS = "Principals only. Recruiters, please don't contact this job poster."
NOTICE_NO_SERVICES = "do NOT contact me with unsolicited services or offers"

FIRST_PID = 7_970_000_000
# Local wall-clock start; each site swaps in its own offset. All dates fall after US
# daylight saving time ended (2026-11-01), so fixed standard offsets are right.
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
SPAN_DAYS = 19


@dataclass(frozen=True, slots=True)
class Posting:
    """One generated posting; housing fields are None for jobs and gigs."""

    pid: int
    site: str
    subarea: str | None
    category: str
    title: str
    hood: str
    body_paragraphs: tuple[str, ...]
    posted: datetime  # aware, in the site's offset
    updated: datetime | None
    latitude: float | None
    longitude: float | None
    repost_of: int | None = None
    duplicate_of: int | None = None
    status: str = "active"  # active, deleted, expired, flagged
    compensation: str | None = None
    employment_type: str | None = None
    experience_level: str | None = None
    job_title: str | None = None
    is_remote: bool = False
    is_internship: bool = False
    is_nonprofit: bool = False
    company: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    price: int | None = None
    bedrooms: int | None = None
    bathrooms: float | None = None
    sqft: int | None = None
    available: str | None = None
    street: str | None = None
    housing_attrs: tuple[tuple[str, str, str], ...] = ()  # (param, value, label)
    notices: tuple[str, ...] = field(default_factory=tuple)

    @property
    def slug(self) -> str:
        """The URL slug: "<hood town>-<title words>" as Craigslist builds it."""
        town = self.hood.split("/")[0]
        words = re.sub(r"[^a-z0-9]+", "-", f"{town} {self.title}".lower()).strip("-")
        return "-".join(w for w in words.split("-") if len(w) > 1)[:60].strip("-")

    @property
    def section(self) -> str:
        """jjj, ggg or hhh."""
        return CATEGORIES[self.category].section


_COMPANIES = (
    ("Fault Line Plumbing", "faultline"), ("Bluebird Analytics", "bluebird"),
    ("Harbor & Pine Logistics", "harborpine"), ("Tidewater Software", "tidewater"),
    ("Copperleaf Health", "copperleaf"), ("Northstar Freight", "northstar"),
    ("Quillmate", "quillmate"), ("Sprocket Labs", "sprocketlabs"),
    ("Greenway Landscaping", "greenway"), ("Lumen Creative", "lumencreative"),
    ("Civic Works Nonprofit", "civicworks"), ("Acme Widgets", "acme"),
)  # fmt: skip

_JOB_TITLES = {
    "sof": ("Senior Python Developer", "Backend Engineer (Django)",
            "QA Automation Engineer", "Full Stack Developer", "Data Engineer",
            "Junior Software Developer", "DevOps Engineer",
            "Database Administrator (PostgreSQL)", "Software Engineer Intern"),
    "web": ("Front-End Developer (React)", "WordPress Developer", "UX/UI Designer",
            "Web Producer", "Shopify Developer", "Web Content Manager"),
    "sad": ("Systems Administrator", "Network Engineer", "IT Support Specialist",
            "Linux Administrator", "Help Desk Technician",
            "Cloud Infrastructure Engineer"),
    "lab": ("Warehouse Associate", "Moving Crew Member", "Landscaping Laborer",
            "Forklift Operator", "Construction Helper", "Delivery Driver Helper"),
}  # fmt: skip

_GIG_TITLES = {
    "cpg": ("Need help fixing my WordPress site", "Python script to clean CSV files",
            "Set up home network and NAS", "Build a simple Shopify store",
            "Excel macro for inventory sheet", "Fix laptop that won't boot"),
    "crg": ("Photographer for small wedding", "Logo design for food truck",
            "Video editor for YouTube channel", "Illustrator for children's book",
            "Voice-over for explainer video"),
    "wrg": ("Copywriter for landing page", "Ghostwriter for memoir chapters",
            "Proofreader for grant proposal", "Technical writer for API docs",
            "Blog writer - home improvement"),
    "lbg": ("Help moving a couch this Saturday", "Yard cleanup, 4 hours",
            "Assemble IKEA furniture", "Unload a 26ft truck", "Paint a backyard fence"),
}  # fmt: skip

_SKILLS = {
    "sof": ("Python", "Django", "PostgreSQL", "REST APIs", "Docker", "AWS", "pytest",
            "TypeScript", "Celery", "Redis", "Kubernetes", "CI/CD"),
    "web": ("React", "HTML/CSS", "JavaScript", "Figma", "WordPress", "SEO",
            "accessibility (WCAG)", "Shopify Liquid"),
    "sad": ("Linux", "Active Directory", "Cisco switching", "VMware", "Terraform",
            "Microsoft 365", "firewalls", "backups"),
    "lab": ("forklift certification", "a clean driving record", "lifting 50 lbs",
            "basic hand tools", "pallet jacks", "inventory counts"),
}  # fmt: skip

_STREETS = ("Main St", "Oak Ave", "Mission St", "Pine St", "Lake Dr", "2nd Ave",
            "Elm St", "Park Blvd", "National Dr", "Harbor Way")  # fmt: skip


def _money(value: float) -> str:
    return f"${value:,.0f}"


def _job_pay(rng: random.Random, category: str) -> tuple[str, str]:
    """(compensation attribute, sentence for the body)."""
    kind = rng.choice(("year", "year", "hour", "hour", "doe", "k", "flat_hour"))
    base = {"sof": 110_000, "web": 85_000, "sad": 90_000, "lab": 42_000}[category]
    if kind == "year":
        low = round(base * rng.uniform(0.8, 1.1), -2)
        high = round(low * rng.uniform(1.15, 1.35), -2)
        text = f"{_money(low)} to {_money(high)} a year"
        return text, f"· {text}, depending on experience"
    if kind == "hour":
        low = round(base / 2080 * rng.uniform(0.85, 1.05))
        high = low + rng.randint(3, 12)
        text = f"${low}.00-${high}.00 per hour"
        return text, f"Pay: ${low} - ${high} per hour, paid weekly."
    if kind == "flat_hour":
        rate = round(base / 2080 * rng.uniform(0.9, 1.1))
        return f"${rate}/hr", f"Pay is ${rate}/hr to start, with a raise after 90 days."
    if kind == "k":
        low = round(base * rng.uniform(1.0, 1.2) / 1000)
        high = low + rng.choice((20, 30, 40))
        text = f"${low}k-${high}k + equity"
        return text, f"Salary range ${low}k-${high}k plus equity and benefits."
    return "DOE", "Pay is DOE (depends on experience)."


def _gig_pay(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(("flat", "hourly", "flat", "none", "negotiable"))
    if kind == "flat":
        amount = rng.choice((80, 120, 150, 200, 300, 450))
        return f"${amount}", f"I can pay ${amount} for the whole job, cash or Venmo."
    if kind == "hourly":
        rate = rng.choice((25, 30, 40, 50, 60))
        return f"${rate}/hr", f"Paying ${rate}/hr, probably 3-6 hours of work."
    if kind == "none":
        return "no pay", "This is unpaid, but you get credit and a reference."
    return "pay is negotiable", "Pay is negotiable depending on your experience."


def _contact(
    rng: random.Random, domain: str, ask: str
) -> tuple[str | None, str | None, str]:
    """(email, phone, closing sentence); about a third show an e-mail address."""
    roll = rng.random()
    if roll < 0.35:
        mailbox = rng.choice(("jobs", "hiring", "careers", "hr", "info"))
        address = f"{mailbox}@{domain}.example.com"
        return address, None, f"Please send {ask} to {address}."
    if roll < 0.5:
        phone = f"({rng.randint(201, 989)}) 555-01{rng.randint(10, 99)}"
        return None, phone, f"Call or text {phone} between 9am and 5pm about {ask}."
    return None, None, f"Reply to this posting with {ask}."


def _job(rng: random.Random, category: str) -> dict[str, Any]:
    title = rng.choice(_JOB_TITLES[category])
    company, domain = rng.choice(_COMPANIES)
    compensation, pay_sentence = _job_pay(rng, category)
    skills = rng.sample(_SKILLS[category], k=min(4, len(_SKILLS[category])))
    years = rng.choice(
        (
            "1 - 3 years of work experience",
            "2+ years of professional experience",
            "5+ years of experience",
            "No experience needed, we will train",
        )
    )
    employment = rng.choice(EMPLOYMENT_TYPES)
    remote = category != "lab" and rng.random() < 0.3
    internship = "Intern" in title
    nonprofit = "Nonprofit" in company
    email, phone, closing = _contact(rng, domain, "your resume")
    intro = rng.choice(
        (
            f"{company} is a family owned, growing company and we are hiring a "
            f"{title} to join our team.",
            f"We're {company}, a small team that ships every week. We need a {title}.",
            f"{company} is looking for a dependable {title} ({employment}).",
        )
    )
    remote_line = (
        "This role is fully remote (US time zones)."
        if remote
        else "This position is on-site; no remote work."
    )
    paragraphs = (
        intro,
        "Requirements:\n"
        + "\n".join(f"· Experience with {s}" for s in skills)
        + f"\n· {years}",
        remote_line,
        "Compensation:\n" + pay_sentence,
        "Benefits:\n· Medical, dental and vision\n· 401K\n· Paid holidays",
        closing,
    )
    job_title = title
    if compensation != "DOE" and rng.random() < 0.4:
        title = f"{title} {compensation}"  # pay in the title, as many posters do
    return {
        "title": title,
        "body_paragraphs": paragraphs,
        "compensation": compensation,
        "employment_type": employment,
        "experience_level": rng.choice(EXPERIENCE_LEVELS),
        "job_title": job_title,
        "is_remote": remote,
        "is_internship": internship,
        "is_nonprofit": nonprofit,
        "company": company,
        "contact_email": email,
        "contact_phone": phone,
        "notices": (NOTICE_PRINCIPALS,) if rng.random() < 0.6 else (),
    }


def _gig(rng: random.Random, category: str) -> dict[str, Any]:
    title = rng.choice(_GIG_TITLES[category])
    compensation, pay_sentence = _gig_pay(rng)
    email, phone, closing = _contact(
        rng, rng.choice(_COMPANIES)[1], "a short note about yourself"
    )
    paragraphs = (
        f"{title}. Looking for someone reliable who can start this week.",
        rng.choice(
            (
                "Please include a link to past work.",
                "Tell me a little about similar jobs you have done.",
                "Must have your own tools / software.",
            )
        ),
        pay_sentence,
        closing + " Tell me when you are available.",
    )
    return {
        "title": title,
        "body_paragraphs": paragraphs,
        "compensation": compensation,
        "is_remote": category in ("cpg", "wrg") and rng.random() < 0.5,
        "contact_email": email,
        "contact_phone": phone,
        "notices": (NOTICE_NO_SERVICES,) if rng.random() < 0.5 else (),
    }


def _housing(rng: random.Random, category: str, hood: str) -> dict[str, Any]:
    bedrooms = rng.choice((0, 1, 1, 2, 2, 3, 4) if category == "apa" else (2, 3, 3, 4))
    bathrooms = rng.choice((1.0, 1.0, 1.5, 2.0, 2.5)) if bedrooms else 1.0
    sqft = 350 + bedrooms * 300 + rng.randint(0, 250)
    street = f"{rng.randint(100, 9999)} {rng.choice(_STREETS)}"
    email, phone, closing = _contact(rng, "rentals", "a time for a showing")
    rooms = "Studio" if bedrooms == 0 else f"{bedrooms} Bdrm, {bathrooms:g} Bath"
    when = rng.choice(("now", "dec 1", "jan 1"))
    if category == "apa":
        price = 900 + bedrooms * 550 + rng.randint(0, 40) * 25
        laundry = rng.choice((("1", "w/d in unit"), ("4", "w/d hookups")))
        title = rng.choice(
            (
                f"{hood} {rooms} Near Transit",
                f"Sunny {rooms} with {laundry[1]}",
                f"Renovated {rooms} - {hood}",
            )
        )
        lead = f"Rent is ${price:,}. Available {when}."
        attrs: tuple[tuple[str, str, str], ...] = (
            ("rent_period", "3", "monthly"),
            ("housing_type", "1", "apartment"),
            ("laundry", *laundry),
            ("parking", "3", "detached garage"),
        )
        if rng.random() < 0.5:
            attrs += (("pets_cat", "1", "cats are OK - purrr"),)
        if rng.random() < 0.6:
            attrs += (("no_smoking", "1", "no smoking"),)
    else:
        price = 250_000 + bedrooms * 90_000 + rng.randint(0, 60) * 5_000
        title = f"{bedrooms}BR house for sale by owner - {hood}"
        lead = f"Asking ${price:,}. No agents please, we are selling it ourselves."
        attrs = (("housing_type", "6", "house"), ("parking", "1", "carport"))
    return {
        "title": title,
        "body_paragraphs": (
            f"{lead} {rooms}, about {sqft} sq ft, at {street}.",
            "Hardwood floors, new kitchen appliances, lots of light. "
            "Quiet building close to shops and parks.",
            closing,
        ),
        "price": price,
        "bedrooms": bedrooms,
        "bathrooms": bathrooms,
        "sqft": sqft,
        "street": street,
        "available": f"available {when}",
        "housing_attrs": attrs,
        "contact_email": email,
        "contact_phone": phone,
        "notices": (NOTICE_NO_SERVICES,) if rng.random() < 0.5 else (),
    }


def _place(rng: random.Random, site: Site) -> tuple[str | None, str]:
    if site.subareas:
        abbr, _name, hoods = rng.choice(site.subareas)
        return abbr, rng.choice(hoods)
    return None, rng.choice(site.hoods)


def _time(rng: random.Random, site: Site, after: datetime | None = None) -> datetime:
    if after is None:
        local = START + timedelta(seconds=rng.randint(0, SPAN_DAYS * 86400))
        return local.replace(tzinfo=site.tz)
    return (after + timedelta(hours=rng.randint(20, 120))).astimezone(site.tz)


def _base_posting(rng: random.Random, site: Site, category: str) -> dict[str, Any]:
    subarea, hood = _place(rng, site)
    section = CATEGORIES[category].section
    if section == "jjj":
        fields = _job(rng, category)
    elif section == "ggg":
        fields = _gig(rng, category)
    else:
        fields = _housing(rng, category, hood)
    has_map = section == "hhh" or rng.random() < 0.6
    posted = _time(rng, site)
    updated = (
        posted + timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.3 else None
    )
    return {
        "site": site.name,
        "subarea": subarea,
        "category": category,
        "hood": hood,
        "posted": posted,
        "updated": updated,
        "latitude": round(site.lat + rng.uniform(-0.12, 0.12), 6) if has_map else None,
        "longitude": round(site.lon + rng.uniform(-0.12, 0.12), 6) if has_map else None,
        **fields,
    }


@lru_cache(maxsize=8)
def generate_postings(seed: int = 1, count: int = 400) -> tuple[Posting, ...]:
    """`count` postings, the same ones for the same seed, sorted by post id."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    sites = list(SITES.values())
    categories = list(CATEGORIES)
    n_reposts = count // 12
    n_duplicates = count // 16
    drafts: list[dict[str, Any]] = []
    combos = [(site, category) for site in sites for category in categories]
    for i in range(count - n_reposts - n_duplicates):
        # Every site/category pair first, then the big sites and categories get
        # more, so that their searches run to several pages.
        if i < len(combos):
            site, category = combos[i]
        else:
            site = rng.choices(sites, weights=[SITE_WEIGHTS[s.name] for s in sites])[0]
            category = rng.choices(
                categories, weights=[CATEGORY_WEIGHTS[c] for c in categories]
            )[0]
        drafts.append(_base_posting(rng, site, category))
    originals = list(drafts)
    for _ in range(n_reposts):
        origin = rng.choice(originals)
        site = SITES[str(origin["site"])]
        drafts.append(
            {**origin, "posted": _time(rng, site, origin["posted"]), "updated": None,
             "_repost_of": id(origin)}
        )  # fmt: skip
    for _ in range(n_duplicates):
        origin = rng.choice(originals)
        other = rng.choice([s for s in sites if s.name != origin["site"]])
        subarea, hood = _place(rng, other)
        drafts.append(
            {**origin, "site": other.name, "subarea": subarea, "hood": hood,
             "posted": _time(rng, other, origin["posted"]), "updated": None,
             "latitude": round(other.lat + rng.uniform(-0.1, 0.1), 6),
             "longitude": round(other.lon + rng.uniform(-0.1, 0.1), 6),
             "_duplicate_of": id(origin)}
        )  # fmt: skip
    drafts.sort(key=lambda d: d["posted"].astimezone(UTC))
    pid_by_draft: dict[int, int] = {}
    postings: list[Posting] = []
    pid = FIRST_PID
    for draft in drafts:
        pid += rng.randint(40, 4000)
        pid_by_draft[id(draft)] = pid
        fields = {k: v for k, v in draft.items() if not k.startswith("_")}
        repost_of = pid_by_draft.get(draft.get("_repost_of", -1))
        duplicate_of = pid_by_draft.get(draft.get("_duplicate_of", -1))
        roll = rng.random()
        status = (
            "deleted" if roll < 0.04 else "expired" if roll < 0.06
            else "flagged" if roll < 0.07 else "active"
        )  # fmt: skip
        postings.append(
            Posting(
                pid=pid,
                repost_of=repost_of,
                duplicate_of=duplicate_of,
                status=status,
                **fields,
            )
        )
    # A few reposts point at an id the site no longer has, as real ones often do.
    for index, posting in enumerate(postings):
        if (
            posting.repost_of is None
            and posting.duplicate_of is None
            and index % 37 == 5
        ):
            postings[index] = replace(posting, repost_of=posting.pid - 9_876_543)
    return tuple(postings)


def shift_to_recent(
    postings: tuple[Posting, ...], *, newest: datetime | None = None
) -> tuple[Posting, ...]:
    """The same postings moved in time so the newest was posted an hour ago (the
    demo should look current; tests keep the fixed dates)."""
    latest = max(max(p.posted, p.updated or p.posted) for p in postings)
    target = newest or datetime.now(tz=UTC) - timedelta(hours=1)
    delta = target - latest
    return tuple(
        replace(
            p,
            posted=p.posted + delta,
            updated=p.updated + delta if p.updated else None,
        )
        for p in postings
    )
