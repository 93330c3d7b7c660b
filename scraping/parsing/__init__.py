"""Craigslist page parser: postings, search pages, JSON searches and RSS feeds.

Pure Python (selectolax/Lexbor for HTML, lxml for feeds), no Django. Both entry
points accept `str` or `bytes`, read every markup era in CRAIGSLIST_MARKUP.md and
never raise.
"""

from scraping.parsing.posting import parse_posting
from scraping.parsing.search import parse_search
from scraping.parsing.text import (
    decode_document,
    find_emails,
    find_phones,
    normalise_text,
)
from scraping.parsing.types import (
    POSTING_CONTRACT_KEYS,
    POSTING_STATUSES,
    SEARCH_RESULT_CONTRACT_KEYS,
    AttributeValue,
    ParsedPosting,
    ParsedSearch,
    PostingStatus,
    SearchResult,
    SearchSource,
    SearchStatus,
)

__all__ = [
    "POSTING_CONTRACT_KEYS",
    "POSTING_STATUSES",
    "SEARCH_RESULT_CONTRACT_KEYS",
    "AttributeValue",
    "ParsedPosting",
    "ParsedSearch",
    "PostingStatus",
    "SearchResult",
    "SearchSource",
    "SearchStatus",
    "decode_document",
    "find_emails",
    "find_phones",
    "normalise_text",
    "parse_posting",
    "parse_search",
]
