"""Result types of the Craigslist parser.

Plain dataclasses, so that the parser stays free of Django and the results can be
compared in tests and turned into JSON with `to_dict()`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

PostingStatus = Literal["active", "deleted", "expired", "flagged", "unparseable"]
SearchStatus = Literal["ok", "empty", "unparseable"]
SearchSource = Literal["html", "jsonsearch", "sapi", "rss", "unknown"]
AttributeValue = str | bool
Number = int | float

POSTING_STATUSES: tuple[PostingStatus, ...] = (
    "active",
    "deleted",
    "expired",
    "flagged",
    "unparseable",
)

# Keys of one `parse_posting` JSON line, in the order of CONTRACTS.md. `file` and the
# two salary keys are added by the management command.
POSTING_CONTRACT_KEYS: tuple[str, ...] = (
    "file",
    "status",
    "post_id",
    "url",
    "title",
    "description",
    "compensation",
    "salary_min_annual",
    "salary_max_annual",
    "employment_type",
    "is_remote",
    "is_internship",
    "is_nonprofit",
    "experience_level",
    "job_title",
    "company",
    "contact_name",
    "contact_email",
    "contact_phone",
    "site",
    "category",
    "hood",
    "map_address",
    "latitude",
    "longitude",
    "price",
    "bedrooms",
    "bathrooms",
    "sqft",
    "images",
    "attributes",
    "notices",
    "posted_at",
    "source_updated_at",
    "repost_of",
    "errors",
)

# Keys of one search result in the `parse_search` command output (CONTRACTS.md).
SEARCH_RESULT_CONTRACT_KEYS: tuple[str, ...] = (
    "post_id",
    "title",
    "url",
    "price",
    "hood",
    "posted_at",
)


@dataclass(slots=True)
class ParsedPosting:
    """Everything read from one posting page.

    `status` says what the page is; every other field is None (or empty) when the
    page does not show it. `errors` lists what could not be read.
    """

    status: PostingStatus = "unparseable"
    post_id: str | None = None
    url: str | None = None
    title: str | None = None
    description: str | None = None
    compensation: str | None = None
    employment_type: list[str] = field(default_factory=list)
    is_remote: bool | None = None
    is_internship: bool | None = None
    is_nonprofit: bool | None = None
    experience_level: str | None = None
    job_title: str | None = None
    company: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    site: str | None = None
    category: str | None = None
    hood: str | None = None
    map_address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    price: Number | None = None
    bedrooms: Number | None = None
    bathrooms: Number | None = None
    sqft: Number | None = None
    images: list[str] = field(default_factory=list)
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    posted_at: str | None = None
    source_updated_at: str | None = None
    repost_of: str | None = None
    errors: list[str] = field(default_factory=list)
    # Beyond the command contract: useful to the lead record and to debugging.
    subarea: str | None = None
    currency: str | None = None
    reply_url: str | None = None
    json_ld: list[Any] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as a JSON-ready dict."""
        return asdict(self)


@dataclass(slots=True)
class SearchResult:
    """One row of a search page, feed or JSON search (the main list only)."""

    post_id: str | None = None
    title: str | None = None
    url: str | None = None
    price: Number | None = None
    hood: str | None = None
    posted_at: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    bedrooms: Number | None = None
    bathrooms: Number | None = None
    sqft: Number | None = None
    repost_of: str | None = None
    image_ids: list[str] = field(default_factory=list)
    category: str | None = None
    currency: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as a JSON-ready dict."""
        return asdict(self)

    def contract_dict(self) -> dict[str, Any]:
        """Return only the keys that CONTRACTS.md names for a search result."""
        return {key: getattr(self, key) for key in SEARCH_RESULT_CONTRACT_KEYS}


@dataclass(slots=True)
class ParsedSearch:
    """A search page (HTML, RSS/RDF feed or JSON) reduced to its main result list."""

    status: SearchStatus = "unparseable"
    source: SearchSource = "unknown"
    results: list[SearchResult] = field(default_factory=list)
    next_page: str | None = None
    total: int | None = None
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as a JSON-ready dict."""
        return asdict(self)
