"""Full-text search over leads: PostgreSQL's text search where it runs, a word-by-word
fallback on SQLite.

Both read the same query language, the one people type into search boxes
(PostgreSQL's websearch_to_tsquery): words must all appear, "quoted words" appear
together, and -word excludes. On PostgreSQL words match by stem ("designers" finds
"designer") and results can be ranked. Migration 0005 keeps each lead's weighted
vector (title A, company B, text C) in a generated column with a GIN index, which
the searches and the rank read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Expression, Q, QuerySet

from .models import Lead

SEARCH_CONFIG = "english"
SEARCH_INDEX_NAME = "lead_search_document_gin"


class SearchDocument(Expression):
    """The stored vector of migration 0005 (a generated column), on whatever
    alias the query gives the leads table."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        alias = compiler.query.get_initial_alias()
        # a list: lookups add the right-hand side's params to it
        return f"{compiler.quote_name_unless_alias(alias)}.search_document", []


FIELDS = ("title", "company", "description")

_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


@dataclass(frozen=True)
class ParsedQuery:
    """A search box's text split into what must and must not appear."""

    required: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.required or self.excluded)


def parse(text: str) -> ParsedQuery:
    """Split `text` into phrases: `"remote designer" -agency logo` needs "remote
    designer" and "logo" and excludes "agency". A stray quote is read as a word
    boundary, never an error."""
    required: list[str] = []
    excluded: list[str] = []
    for match in _TOKEN.finditer(text.strip()):
        negated = bool(match.group(1) or match.group(3))
        phrase = match.group(2) if match.group(2) is not None else match.group(4)
        phrase = " ".join(phrase.replace('"', " ").split())
        if not phrase or phrase in {"-", "or", "OR"}:
            continue
        (excluded if negated else required).append(phrase)
    return ParsedQuery(required=required, excluded=excluded)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def filter_leads(qs: QuerySet[Lead], text: str) -> QuerySet[Lead]:
    """Leads matching the search text."""
    parsed = parse(text)
    if not parsed:
        return qs
    if uses_full_text():
        # alias(), not annotate(): the vector is matched through the GIN index and
        # never computed for the SELECT list or the paginator's COUNT.
        return qs.alias(search_document=SearchDocument()).filter(
            search_document=_query(text)
        )
    for phrase in parsed.required:
        qs = qs.filter(_anywhere(phrase))
    for phrase in parsed.excluded:
        qs = qs.exclude(_anywhere(phrase))
    return qs


def rank_by_relevance(qs: QuerySet[Lead], text: str) -> QuerySet[Lead]:
    """Best matches first (PostgreSQL only; the caller checks `uses_full_text`)."""
    # alias(): the rank orders the page but is not computed again by the count.
    rank = SearchRank(SearchDocument(), _query(text))
    return qs.alias(search_rank=rank).order_by("-search_rank", "-posted_at", "-id")


def _query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def _anywhere(phrase: str) -> Q:
    condition = Q()
    for name in FIELDS:
        condition |= Q(**{f"{name}__icontains": phrase})
    return condition
