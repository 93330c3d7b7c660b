"""Default data a fresh install starts with: Craigslist sites and categories, a
criteria profile, reply templates and approval rules. Loading is idempotent and
never overwrites rows an admin has edited."""

from __future__ import annotations

from typing import Any

# code, name, region, area abbreviation, latitude, longitude, subareas
SITES: list[tuple[str, str, str, str, float, float, list[str]]] = [
    (
        "sfbay",
        "SF Bay Area",
        "CA",
        "sfo",
        37.7749,
        -122.4194,
        ["eby", "nby", "pen", "sfc", "scz", "sby"],
    ),
    (
        "newyork",
        "New York",
        "NY",
        "nyc",
        40.7128,
        -74.0060,
        ["mnh", "brk", "que", "brx", "stn", "jsy", "lgi", "wch", "fct"],
    ),
    (
        "losangeles",
        "Los Angeles",
        "CA",
        "lax",
        34.0522,
        -118.2437,
        ["wst", "sfv", "lac", "sgv", "lgb", "ant"],
    ),
    (
        "seattle",
        "Seattle-Tacoma",
        "WA",
        "sea",
        47.6062,
        -122.3321,
        ["see", "est", "skc", "sno", "tac", "oly", "kit"],
    ),
    (
        "chicago",
        "Chicago",
        "IL",
        "chi",
        41.8781,
        -87.6298,
        ["chc", "nch", "wcl", "sox", "nwi", "nwc"],
    ),
    (
        "boston",
        "Boston",
        "MA",
        "bos",
        42.3601,
        -71.0589,
        ["gbs", "nwb", "bmw", "nos", "sob"],
    ),
    (
        "washingtondc",
        "Washington, DC",
        "DC",
        "wdc",
        38.9072,
        -77.0369,
        ["doc", "nva", "mld"],
    ),
    ("austin", "Austin", "TX", "aus", 30.2672, -97.7431, []),
    ("denver", "Denver", "CO", "den", 39.7392, -104.9903, []),
    (
        "portland",
        "Portland",
        "OR",
        "pdx",
        45.5152,
        -122.6784,
        ["mlt", "wsc", "clc", "clk", "yam", "grg"],
    ),
    (
        "phoenix",
        "Phoenix",
        "AZ",
        "phx",
        33.4484,
        -112.0740,
        ["cph", "evl", "nph", "wvl"],
    ),
    (
        "atlanta",
        "Atlanta",
        "GA",
        "atl",
        33.7490,
        -84.3880,
        ["atl", "eat", "nat", "sat", "wat"],
    ),
    ("miami", "South Florida", "FL", "mia", 25.7617, -80.1918, ["mdc", "brw", "pbc"]),
    ("milwaukee", "Milwaukee", "WI", "mil", 43.0389, -87.9065, []),
    (
        "sandiego",
        "San Diego",
        "CA",
        "sdo",
        32.7157,
        -117.1611,
        ["csd", "nsd", "esd", "ssd"],
    ),
    (
        "dallas",
        "Dallas / Fort Worth",
        "TX",
        "dal",
        32.7767,
        -96.7970,
        ["dal", "ftw", "mdf", "ndf", "sdf"],
    ),
    ("houston", "Houston", "TX", "hou", 29.7604, -95.3698, []),
    ("philadelphia", "Philadelphia", "PA", "phi", 39.9526, -75.1652, []),
    (
        "minneapolis",
        "Minneapolis / St Paul",
        "MN",
        "min",
        44.9778,
        -93.2650,
        ["hnp", "ank", "dak", "ram", "wsh"],
    ),
    (
        "vancouver",
        "Vancouver, BC",
        "BC",
        "van",
        49.2827,
        -123.1207,
        ["van", "bnc", "rds", "nvn", "pml", "rch"],
    ),
]

# code, name, section, by owner
CATEGORIES: list[tuple[str, str, str, bool]] = [
    ("jjj", "all jobs", "jjj", False),
    ("sof", "software / qa / dba", "jjj", False),
    ("web", "web / html / info design", "jjj", False),
    ("sad", "systems / networking", "jjj", False),
    ("tch", "technical support", "jjj", False),
    ("eng", "internet engineering", "jjj", False),
    ("egr", "architect / engineer / cad", "jjj", False),
    ("art", "art / media / design", "jjj", False),
    ("wri", "writing / editing", "jjj", False),
    ("mar", "marketing / advertising / pr", "jjj", False),
    ("bus", "business / mgmt", "jjj", False),
    ("acc", "accounting / finance", "jjj", False),
    ("ofc", "admin / office", "jjj", False),
    ("csr", "customer service", "jjj", False),
    ("edu", "education / teaching", "jjj", False),
    ("hea", "healthcare", "jjj", False),
    ("lab", "general labor", "jjj", False),
    ("trd", "skilled trade / craft", "jjj", False),
    ("sls", "sales", "jjj", False),
    ("npo", "nonprofit sector", "jjj", False),
    ("etc", "et cetera", "jjj", False),
    ("ggg", "all gigs", "ggg", False),
    ("cpg", "computer gigs", "ggg", False),
    ("crg", "creative gigs", "ggg", False),
    ("cwg", "crew gigs", "ggg", False),
    ("dmg", "domestic gigs", "ggg", False),
    ("evg", "event gigs", "ggg", False),
    ("lbg", "labor gigs", "ggg", False),
    ("tlg", "talent gigs", "ggg", False),
    ("wrg", "writing gigs", "ggg", False),
    ("hhh", "all housing", "hhh", False),
    ("apa", "apartments / housing for rent", "hhh", False),
    ("roo", "rooms / shared", "hhh", False),
    ("sub", "sublets / temporary", "hhh", False),
    ("rea", "real estate for sale", "hhh", False),
    ("reo", "real estate - by owner", "hhh", True),
    ("reb", "real estate - by broker", "hhh", False),
    ("rts", "real estate services", "bbb", False),
]

CRITERIA: list[dict[str, Any]] = [
    {
        "name": "Salary range",
        "type": "salary",
        "weight": 30,
        "config": {"min_annual": 60000, "max_annual": 160000},
    },
    {
        "name": "Keywords",
        "type": "keywords",
        "weight": 25,
        "config": {
            "required": ["python"],
            "nice_to_have": ["django", "remote", "api"],
            "synonyms": {"python": ["py", "django"]},
        },
    },
    {
        "name": "Location",
        "type": "location",
        "weight": 20,
        "config": {"prefer_remote": True, "home": None, "max_commute_km": 40},
    },
    {
        "name": "Experience",
        "type": "experience",
        "weight": 15,
        "config": {"seniority": ["mid", "senior"], "max_years_required": 8},
    },
    {
        "name": "Company",
        "type": "company",
        "weight": 10,
        "config": {"avoid_recruiters": True, "prefer_nonprofit": False},
    },
    {
        "name": "Blocked words",
        "type": "blocked_words",
        "weight": 0,
        "config": {"words": ["commission only", "mlm", "pay to apply"]},
    },
]

TEMPLATES: list[dict[str, str]] = [
    {
        "name": "Software job - introduction",
        "category": "sof",
        "subject_template": "Re: {{title}}",
        "body_template": (
            "Hello {{contact_name|there}},\n\n"
            "I saw your posting for {{job_title|the role}} in {{hood|your area}} "
            "and would like to be considered. I work mostly in "
            "{{primary_skill|Python}} and have shipped similar projects; a few "
            "are at {{portfolio_url|my portfolio}}.\n\n"
            "Could we talk this week?\n\n{{sender_name}}\n{{signature|}}"
        ),
    },
    {
        "name": "Gig - quick offer",
        "category": "cpg",
        "subject_template": "About your gig: {{title}}",
        "body_template": (
            "Hi {{contact_name|there}},\n\nI can help with {{title}}. "
            "I am available now and can share examples of similar work.\n\n"
            "{{sender_name}}\n{{signature|}}"
        ),
    },
    {
        "name": "Real estate by owner - enquiry",
        "category": "reo",
        "subject_template": "Your listing: {{title}}",
        "body_template": (
            "Hello {{contact_name|there}},\n\nI am interested in the property you "
            "listed in {{hood|your area}}. Is it still available, and when could I "
            "see it?\n\n{{sender_name}}\n{{signature|}}"
        ),
    },
    {
        "name": "General reply",
        "category": "",
        "subject_template": "Re: {{title}}",
        "body_template": (
            "Hello {{contact_name|there}},\n\nI am writing about your posting "
            '"{{title}}". I would be glad to hear more.\n\n'
            "{{sender_name}}\n{{signature|}}"
        ),
    },
]

APPROVAL_RULES: list[dict[str, Any]] = [
    {
        "name": "Escalate salary negotiation",
        "order": 10,
        "condition": "mentions_salary",
        "params": {"words": ["salary", "rate", "negotiat", "compensation", "per hour"]},
        "action": "escalate",
    },
    {
        "name": "Review the first reply to a company or poster",
        "order": 20,
        "condition": "first_contact",
        "params": {},
        "action": "review",
    },
    {
        "name": "Auto-approve very strong matches",
        "order": 30,
        "condition": "score_at_least",
        "params": {"score": 0.9},
        "action": "auto_approve",
    },
    {
        "name": "Review everything else",
        "order": 100,
        "condition": "always",
        "params": {},
        "action": "review",
    },
]
