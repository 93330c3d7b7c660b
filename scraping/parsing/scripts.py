"""Structured data inside `<script>` tags: JSON-LD, `window.cl.init({...})`, JS vars.

Craigslist writes its page config as a JavaScript object literal (keys quoted with
`'`, or bare) whose values are JSON, so values are read one key at a time with
`json.JSONDecoder.raw_decode` instead of evaluating or regex-matching whole objects.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser

logger = logging.getLogger(__name__)

_DECODER = json.JSONDecoder()
_MAX_JSON_LD = 2_000_000  # bytes of one JSON-LD block worth decoding
_JS_LITERAL = re.compile(r"-?\d{1,20}(?:\.\d{1,20})?|null|true|false")


def script_texts(tree: LexborHTMLParser) -> list[str]:
    """Return the text of every inline `<script>` that is not JSON-LD."""
    texts: list[str] = []
    for node in tree.css("script"):
        kind = (node.attributes.get("type") or "").lower()
        if "ld+json" in kind or node.attributes.get("src"):
            continue
        text = node.text(deep=True)
        if text:
            texts.append(text)
    return texts


def json_ld_blocks(tree: LexborHTMLParser) -> tuple[list[Any], list[str]]:
    """Decode every `application/ld+json` block; return (objects, errors)."""
    objects: list[Any] = []
    errors: list[str] = []
    for node in tree.css("script"):
        if "ld+json" not in (node.attributes.get("type") or "").lower():
            continue
        raw = node.text(deep=True).strip()
        if not raw:
            continue
        block_id = node.attributes.get("id") or "unnamed"
        if len(raw) > _MAX_JSON_LD:
            errors.append(f"JSON-LD block {block_id} too large; skipped")
            continue
        try:
            objects.append(json.loads(raw))
        except (ValueError, RecursionError):
            errors.append(f"JSON-LD block {block_id} is not valid JSON")
    return objects, errors


def json_ld_by_id(tree: LexborHTMLParser, block_id: str) -> Any:
    """Return the decoded JSON-LD block with the given `id`, or None."""
    node = tree.css_first(f"script#{block_id}")
    if node is None:
        return None
    try:
        return json.loads(node.text(deep=True).strip() or "null")
    except (ValueError, RecursionError):
        return None


def flatten_json_ld(objects: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Yield every JSON-LD node: top-level objects, list members and `@graph` items."""
    stack = list(objects)[::-1]
    budget = 10_000
    while stack and budget:
        budget -= 1
        obj = stack.pop()
        if isinstance(obj, list):
            stack.extend(reversed(obj))
        elif isinstance(obj, dict):
            graph = obj.get("@graph")
            if isinstance(graph, list):
                stack.extend(reversed(graph))
            yield obj


def ld_types(obj: dict[str, Any]) -> set[str]:
    """Return the `@type` names of a JSON-LD node, without schema.org prefixes."""
    kind = obj.get("@type")
    names = kind if isinstance(kind, list) else [kind]
    return {str(name).rsplit("/", 1)[-1] for name in names if isinstance(name, str)}


def js_value(scripts: Iterable[str], key: str) -> Any:
    """Return the first non-null value assigned to `key` in any script, or None.

    Matches `key: value`, `'key': value`, `"key": value` and `[var] key = value`,
    where value is JSON (object, array, string, number, literal) or a single-quoted
    string.
    """
    pattern = re.compile(
        r"(?<![\w$.])['\"]?" + re.escape(key) + r"['\"]?\s{0,20}[:=]\s{0,20}"
    )
    for script in scripts:
        for match in pattern.finditer(script):
            found, value = _read_value(script, match.end())
            if found and value is not None:
                return value
    return None


def _read_value(text: str, start: int) -> tuple[bool, Any]:
    if start >= len(text):
        return False, None
    first = text[start]
    if first in '{["':
        try:
            value, _ = _DECODER.raw_decode(text, start)
        except (ValueError, RecursionError):
            return False, None
        return True, value
    if first == "'":
        end = text.find("'", start + 1)
        if end < 0 or end - start > 2000:
            return False, None
        return True, text[start + 1 : end]
    literal = _JS_LITERAL.match(text, start)
    if not literal:
        return False, None
    word = literal.group(0)
    if word == "null":
        return True, None
    if word in {"true", "false"}:
        return True, word == "true"
    return True, float(word) if "." in word else int(word)


def js_digits(scripts: Iterable[str], key: str) -> str | None:
    """Return a JS value that is a numeric id ("7939..." or 7939...) as digits."""
    value = js_value(scripts, key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return None
