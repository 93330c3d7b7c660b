"""The posting page being parsed, and small DOM lookups the posting modules share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraping.parsing.dom import classes
from scraping.parsing.scripts import ld_types


@dataclass(slots=True)
class PostingPage:
    """The parsed document and the structured data read once from it."""

    tree: LexborHTMLParser
    raw: str
    url: str | None
    scripts: list[str] = field(default_factory=list)
    ld_nodes: list[dict[str, Any]] = field(default_factory=list)
    body: LexborNode | None = None
    # Gen A titles start with the housing summary: "$1149000 / 3br - 2000ft² -".
    classic_summary: str | None = None

    def ld_first(self, *types: str) -> dict[str, Any] | None:
        """The first JSON-LD node of one of the given `@type`s."""
        for node in self.ld_nodes:
            if ld_types(node) & set(types):
                return node
        return None


def meta_content(tree: LexborHTMLParser, name: str) -> str | None:
    """The `content` of `<meta name=…>` or `<meta property=…>` in the head."""
    scope = tree.head or tree.root
    if scope is None:
        return None
    node = scope.css_first(f'meta[name="{name}"], meta[property="{name}"]')
    return (node.attributes.get("content") or None) if node is not None else None


def link_href(tree: LexborHTMLParser, rel: str) -> str | None:
    """The `href` of `<link rel=…>` in the head."""
    scope = tree.head or tree.root
    if scope is None:
        return None
    node = scope.css_first(f'link[rel="{rel}"]')
    return (node.attributes.get("href") or None) if node is not None else None


def inside(node: LexborNode, ancestor_id: int) -> bool:
    """True when the node with `mem_id` `ancestor_id` contains `node`."""
    parent, depth = node.parent, 0
    while parent is not None and depth < 200:
        if parent.mem_id == ancestor_id:
            return True
        parent, depth = parent.parent, depth + 1
    return False


def inside_class(node: LexborNode, name: str) -> bool:
    """True when an ancestor of `node` has the class `name`."""
    parent, depth = node.parent, 0
    while parent is not None and depth < 50:
        if name in classes(parent):
            return True
        parent, depth = parent.parent, depth + 1
    return False
