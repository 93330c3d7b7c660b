"""Tokens, stems and the phrase vocabularies that qualification reads text with.

Pure and Django-free. Text is NFKC-folded, lower-cased and cut into word tokens
("c++", "c#" and "node.js" → "node", "js" survive); apostrophes are dropped so
that "cashier's" and "cashiers" are one word. Tokens are stemmed with the
English Snowball stemmer, so "developers", "developing" and "develop" meet.
Keyword queries and postings go through the same `terms` function, which is
what makes a profile term and a posting word comparable.

Cue phrases (remote, recruiter, scam, seniority, industry …) are matched on the
stemmed token sequence, longest phrase first and without overlap, so that
"staffing agency" is one recruiter cue and "no remote" is an on-site statement
rather than a remote one. A phrase whose kinds are empty only absorbs its
words: "government agency" keeps "agency" from counting as a recruiter cue.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TypeAlias

import snowballstemmer

# Inputs past this are cut: no real posting comes near it, and the work per
# call stays bounded.
MAX_TEXT_CHARS = 200_000

_TOKEN_RE = re.compile(r"[^\W_]+(?:\+\+|#)?")
_APOSTROPHES = str.maketrans(dict.fromkeys("'\u2019\u2018\u02bc`", ""))
_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()
# exact?, the phrase's words (stems, or tokens when exact), its kinds
_Entry: TypeAlias = tuple[bool, tuple[str, ...], tuple[str, ...]]

# Function words only. "it", "us", "no", "not" and single letters stay: they
# carry meaning in job text ("IT support", "US citizens", "no remote", "C").
STOP_WORDS = frozenset(
    """a an the and or of to in on for with at by from as is are was were be been
    being this that these those our we you your will can all any if so but than
    then there their they he she his her its my me about into per via also such
    who what which when where how do does has have had""".split()  # noqa: SIM905
)


def normalise(text: str) -> str:
    """NFKC-folded, lower-cased text without apostrophes, clipped to a bound."""
    text = text[:MAX_TEXT_CHARS]
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()


def tokens(text: str) -> list[str]:
    """The word tokens of a text, lower-cased and unstemmed."""
    return _TOKEN_RE.findall(normalise(text))


@lru_cache(maxsize=65_536)
def stem(token: str) -> str:
    """The Snowball stem of one lower-case token; codes like "c++", "h1b" stay."""
    if not token.isalpha():
        return token
    # The stemmer keeps the word being stemmed on itself, so threads take turns.
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(token))


def stems(text: str) -> list[str]:
    """Every token of a text, stemmed, stop words included (for phrases)."""
    return [stem(token) for token in tokens(text)]


def is_term(token: str) -> bool:
    """Whether a token is worth keeping as a term: not a stop word or a bare number.

    Numbers stay in phrases ("fortune 500") but alone ("000" of "$120,000")
    only bloat the stored terms.
    """
    return token not in STOP_WORDS and not token.isdigit()


def terms(text: str) -> tuple[str, ...]:
    """The stemmed content words of a text: a keyword query or a posting's words."""
    return tuple(stem(t) for t in tokens(text) if is_term(t))


def count_terms(words: Iterable[str]) -> dict[str, int]:
    """Stem → count over unstemmed tokens, kept as `terms` keeps them."""
    return dict(Counter(stem(w) for w in words if is_term(w)))


# --- phrase matching ----------------------------------------------------------


class PhraseMatcher:
    """Counts the kinds of the phrases found in a token sequence.

    `vocabulary` maps a phrase to the kinds it signals. A phrase matches on
    stems ("days in the office" finds "day in office"), or, written with a
    leading "=", on the exact words: "=intern" must not find "internal", nor
    "=hospital" "hospitality". Matching is greedy, longest phrase first at each
    position, and a matched phrase consumes its tokens.
    """

    def __init__(self, vocabulary: Mapping[str, Sequence[str]]) -> None:
        merged: dict[tuple[bool, tuple[str, ...]], list[str]] = {}
        for phrase, kinds in vocabulary.items():
            exact = phrase.startswith("=")
            words = tuple(tokens(phrase[1:]) if exact else stems(phrase))
            if words:
                # "intern" and "interns" stem alike; keep every kind once.
                known = merged.setdefault((exact, words), [])
                known.extend(k for k in kinds if k not in known)
        self._by_first: dict[str, list[_Entry]] = {}
        for (exact, words), kinds in sorted(
            merged.items(), key=lambda e: -len(e[0][1])
        ):
            first = stem(words[0]) if exact else words[0]
            self._by_first.setdefault(first, []).append((exact, words, tuple(kinds)))

    def find(
        self, words: Sequence[str], stemmed: Sequence[str] | None = None
    ) -> list[tuple[str, tuple[str, ...]]]:
        """(phrase, kinds) for every phrase in the tokens `words`, in text order.

        `stemmed` is `words` stemmed, when the caller has it already.
        """
        if stemmed is None:
            stemmed = [stem(w) for w in words]
        found: list[tuple[str, tuple[str, ...]]] = []
        i, n = 0, len(words)
        while i < n:
            step = 1
            for exact, key, kinds in self._by_first.get(stemmed[i], ()):
                end = i + len(key)
                if tuple((words if exact else stemmed)[i:end]) == key:
                    found.append((" ".join(key), kinds))
                    step = len(key)
                    break
            i += step
        return found

    def count(
        self, words: Sequence[str], stemmed: Sequence[str] | None = None
    ) -> Counter[str]:
        """How many times each kind is signalled."""
        kinds: Counter[str] = Counter()
        for _, phrase_kinds in self.find(words, stemmed):
            kinds.update(phrase_kinds)
        return kinds


# --- vocabularies -------------------------------------------------------------

REMOTE_PHRASES = (
    "remote",
    "remotely",
    "fully remote",
    "100% remote",
    "work from home",
    "working from home",
    "work at home",
    "work from anywhere",
    "wfh",
    "telecommute",
    "telecommuting",
    "telework",
    "home based",
    "home-based",
    "virtual position",
)
HYBRID_PHRASES = (
    "hybrid",
    "partially remote",
    "partly remote",
    "part remote",
    "days remote",
    "days from home",
    "days in office",
    "days in the office",
    "days onsite",
    "days on site",
    "days a week in office",
    "days a week in the office",
    "days per week in office",
    "days per week in the office",
    "split between home and office",
)
ONSITE_PHRASES = (
    "on site",
    "onsite",
    "on premises",
    "in office",
    "in the office",
    "in person",
    "office based",
    "no remote",
    "not remote",
    "non remote",
    "not a remote",
    "not be remote",
    "isn't remote",
    "remote not available",
    "remote is not available",
    "remote work is not available",
    "no work from home",
    "no wfh",
    "no telecommuting",
    "not a work from home",
)
# Uses of "remote", "hybrid", "in person" and others that say nothing about
# where one works, who posts, or what the employer does.
NEUTRAL_PHRASES = (
    "remote control",
    "remote controls",
    "remote sensing",
    "remote monitoring",
    "remote access",
    "remote areas",
    "remote locations",
    "remote sites",
    "remote desktop",
    "hybrid app",
    "hybrid apps",
    "hybrid mobile",
    "hybrid vehicle",
    "hybrid vehicles",
    "hybrid car",
    "hybrid cars",
    "hybrid cloud",
    "in person interview",
    "in-person interview",
    "lead generation",
    "lead gen",
    "senior living",
    "senior care",
    "senior citizens",
    "social media",
    "high school",
    "federal state and local",
    "federal and state",
)
# Agencies that are employers, not recruiters, and the industry they are in.
EMPLOYER_AGENCIES = {
    "government agency": "government",
    "state agency": "government",
    "federal agency": "government",
    "public agency": "government",
    "county agency": "government",
    "ad agency": "media",
    "advertising agency": "media",
    "marketing agency": "media",
    "creative agency": "media",
    "digital agency": "media",
    "design agency": "media",
    "travel agency": "hospitality",
    "home care agency": "healthcare",
    "home health agency": "healthcare",
    "insurance agency": "finance",
    "real estate agency": "real estate",
}
RECRUITER_PHRASES = (
    "=recruiter",
    "=recruiters",
    "recruiting firm",
    "recruiting agency",
    "recruitment agency",
    "recruitment firm",
    "staffing",
    "staffing agency",
    "staffing firm",
    "staffing company",
    "employment agency",
    "placement agency",
    "temp agency",
    "agency",
    "headhunter",
    "our client",
    "my client",
    "on behalf of",
    "third party",
    "corp to corp",
    "c2c",
)
SCAM_PHRASES = (
    "wire transfer",
    "wire the money",
    "western union",
    "moneygram",
    "money gram",
    "pay to apply",
    "application fee",
    "training fee",
    "registration fee",
    "processing fee",
    "starter kit fee",
    "cashier's check",
    "certified check",
    "money order",
    "gift card",
    "gift cards",
    "crypto",
    "cryptocurrency",
    "bitcoin",
    "mobile deposit",
    "deposit the check",
    "reshipping",
    "package forwarding",
    "mystery shopper",
    "secret shopper",
    "bank account details",
    "send your bank",
)
NONPROFIT_PHRASES = (
    "nonprofit",
    "non profit",
    "not for profit",
    "501c3",
    "501 c 3",
    "charity",
    "charitable organization",
)
SMALL_COMPANY_PHRASES = (
    "startup",
    "start up",
    "early stage",
    "small team",
    "small business",
    "small company",
    "small firm",
    "small office",
    "family owned",
    "family run",
    "family business",
    "locally owned",
    "mom and pop",
    "boutique",
)
LARGE_COMPANY_PHRASES = (
    "fortune 500",
    "fortune 100",
    "fortune 1000",
    "enterprise",
    "global leader",
    "industry leader",
    "world leader",
    "multinational",
    "publicly traded",
    "nyse",
    "nasdaq",
    "thousands of employees",
    "offices worldwide",
    "worldwide offices",
)
# Benefits ("medical, dental", "health insurance") and boilerplate ("federal
# law", "education: BA") are everywhere, so the phrases are specific and the
# features need two body mentions or one in the title.
INDUSTRY_PHRASES: dict[str, tuple[str, ...]] = {
    "healthcare": (
        "healthcare",
        "health care",
        "=hospital",
        "clinic",
        "medical office",
        "medical center",
        "medical practice",
        "dental office",
        "dental practice",
        "=patients",
        "patient care",
        "nursing",
        "pharmacy",
    ),
    "finance": (
        "=finance",
        "financial services",
        "financial institution",
        "banking",
        "bank branch",
        "bank teller",
        "fintech",
        "investment firm",
        "insurance company",
        "insurance carrier",
        "accounting firm",
        "cpa firm",
        "credit union",
        "wealth management",
    ),
    "education": (
        "educational",
        "edtech",
        "school district",
        "elementary school",
        "middle school",
        "charter school",
        "private school",
        "university",
        "tutoring",
        "=teaching",
        "academy",
        "k-12",
        "students",
    ),
    "government": (
        "=government",
        "public sector",
        "city of",
        "county of",
        "municipal",
    ),
    "retail": ("retail", "retailer", "store", "ecommerce", "e-commerce", "boutique"),
    "tech": (
        "software",
        "saas",
        "tech company",
        "technology company",
        "tech startup",
        "cloud",
        "it services",
        "fintech",
        "edtech",
    ),
    "construction": (
        "construction",
        "general contractor",
        "remodeling",
        "=roofing",
        "plumbing",
        "hvac",
        "carpentry",
        "=framing",
    ),
    "hospitality": (
        "=hospitality",
        "restaurant",
        "hotel",
        "cafe",
        "=catering",
        "resort",
        "bar and grill",
    ),
    "media": (
        "media company",
        "=publishing",
        "magazine",
        "newspaper",
        "broadcast",
        "broadcasting",
        "film production",
        "video production",
        "podcast",
    ),
    "nonprofit": NONPROFIT_PHRASES,
    "legal": (
        "law firm",
        "law office",
        "legal services",
        "legal assistant",
        "legal secretary",
        "attorney",
        "attorneys",
        "paralegal",
        "lawyer",
    ),
    "real estate": (
        "real estate",
        "property management",
        "realtor",
        "brokerage",
        "leasing office",
    ),
    "logistics": (
        "logistics",
        "warehouse",
        "freight",
        "trucking",
        "shipping and receiving",
        "supply chain",
        "distribution center",
        "delivery driver",
        "last mile",
    ),
}
INDUSTRIES = tuple(INDUSTRY_PHRASES)

# Craigslist job category codes that name an industry outright.
CATEGORY_INDUSTRIES = {
    "hea": "healthcare",
    "med": "media",
    "tfr": "media",
    "acc": "finance",
    "edu": "education",
    "gov": "government",
    "ret": "retail",
    "fbh": "hospitality",
    "lgl": "legal",
    "rej": "real estate",
    "trp": "logistics",
    "npo": "nonprofit",
    "sof": "tech",
    "sad": "tech",
    "tch": "tech",
    "web": "tech",
    "trd": "construction",
}

SENIORITY_LEVELS = {"entry": 0, "junior": 1, "mid": 2, "senior": 3, "lead": 4}
SENIORITY_NAMES = {value: name for name, value in SENIORITY_LEVELS.items()}
# Words a profile may use for a wanted level.
SENIORITY_ALIASES = {
    "intern": 0,
    "internship": 0,
    "entry": 0,
    "entry level": 0,
    "junior": 1,
    "jr": 1,
    "mid": 2,
    "mid level": 2,
    "intermediate": 2,
    "senior": 3,
    "sr": 3,
    "lead": 4,
    "principal": 4,
    "staff": 4,
    "executive": 4,
}
# Bare words, trusted in a title only: "senior" in a body is often the boss.
TITLE_SENIORITY = {
    "=intern": 0,
    "=interns": 0,
    "internship": 0,
    "trainee": 0,
    "apprentice": 0,
    "new grad": 0,
    "junior": 1,
    "jr": 1,
    "mid": 2,
    "intermediate": 2,
    "senior": 3,
    "sr": 3,
    "=lead": 4,
    "principal": 4,
    "architect": 4,
    "head of": 4,
    "staff engineer": 4,
    "staff software": 4,
    "staff developer": 4,
    "staff data": 4,
    "staff scientist": 4,
    "staff designer": 4,
    "staff product": 4,
}
# Explicit level statements, trusted anywhere.
LEVEL_SENIORITY = {
    "entry level": 0,
    "entry-level": 0,
    "no experience necessary": 0,
    "no experience required": 0,
    "no experience needed": 0,
    "internship": 0,
    "junior level": 1,
    "junior position": 1,
    "junior role": 1,
    "mid level": 2,
    "mid-level": 2,
    "mid senior level": 3,
    "senior level": 3,
    "senior position": 3,
    "senior role": 3,
    "lead role": 4,
    "principal level": 4,
    "staff level": 4,
}
# What Craigslist and JSON-LD put in the "experience level" field.
FIELD_SENIORITY = {
    **LEVEL_SENIORITY,
    "=intern": 0,
    "entry": 0,
    "student": 0,
    "associate": 1,
    "junior": 1,
    "mid": 2,
    "intermediate": 2,
    "experienced": 2,
    "senior": 3,
    "=lead": 4,
    "principal": 4,
    "director": 4,
    "executive": 4,
}


def _kinds(vocabulary: dict[str, list[str]], phrases: Iterable[str], kind: str) -> None:
    for phrase in phrases:
        vocabulary.setdefault(phrase, []).append(kind)


def _cue_vocabulary() -> dict[str, list[str]]:
    vocabulary: dict[str, list[str]] = {}
    _kinds(vocabulary, NEUTRAL_PHRASES, "")
    for phrase, industry in EMPLOYER_AGENCIES.items():
        _kinds(vocabulary, [phrase], f"industry:{industry}")
    for kind, phrases in (
        ("remote", REMOTE_PHRASES),
        ("hybrid", HYBRID_PHRASES),
        ("onsite", ONSITE_PHRASES),
        ("recruiter", RECRUITER_PHRASES),
        ("scam", SCAM_PHRASES),
        ("nonprofit", NONPROFIT_PHRASES),
        ("small", SMALL_COMPANY_PHRASES),
        ("large", LARGE_COMPANY_PHRASES),
    ):
        _kinds(vocabulary, phrases, kind)
    for industry, names in INDUSTRY_PHRASES.items():
        _kinds(vocabulary, names, f"industry:{industry}")
    for phrase, level in LEVEL_SENIORITY.items():
        _kinds(vocabulary, [phrase], f"level:{level}")
    for phrase, level in TITLE_SENIORITY.items():
        _kinds(vocabulary, [phrase], f"title_level:{level}")
    # Empty kinds only absorb; a phrase listed elsewhere too keeps its kinds.
    return {phrase: [k for k in kinds if k] for phrase, kinds in vocabulary.items()}


CUES = PhraseMatcher(_cue_vocabulary())
FIELD_LEVELS = PhraseMatcher(
    {phrase: [f"level:{level}"] for phrase, level in FIELD_SENIORITY.items()}
)
