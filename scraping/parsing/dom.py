"""DOM helpers on top of selectolax's Lexbor parser.

Walkers here are iterative, so a page nested thousands of levels deep cannot
exhaust Python's recursion limit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraping.parsing.text import normalise_line, normalise_text

# Paragraph-like elements: a blank line before and after.
_PARAGRAPH_TAGS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "aside", "nav", "main",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote",
        "pre", "hr", "figure", "form", "address", "center", "fieldset", "details",
    }
)  # fmt: skip
# Line-like elements: a line break before and after.
_LINE_TAGS = frozenset({"li", "tr", "dt", "dd", "caption", "figcaption", "summary"})
_SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "button", "select",
        "input", "textarea", "svg", "object", "embed", "head", "title", "meta", "link",
    }
)  # fmt: skip
_HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
# Enough for any real posting body; bounds the time spent on hostile pages.
_MAX_NODES = 200_000


# HTML tree building walks the stack of open elements for many start tags, so its
# cost grows with depth squared: 30,000 nested <div>s take seconds. Real pages nest
# a few dozen levels; a page opening thousands more elements than it closes is
# refused before parsing.
_MAX_OPEN_ELEMENTS = 3000
_CHECK_NESTING_ABOVE = 5_000  # "<" characters; smaller pages are always cheap
_TAG_NAME = re.compile(r"<(/?[A-Za-z][A-Za-z0-9]{0,9})")
# Void elements and elements that close themselves implicitly add no depth.
_SHALLOW_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr", "p", "li", "dd", "dt", "option", "optgroup",
        "tr", "td", "th", "thead", "tbody", "tfoot", "rb", "rt", "rtc", "rp",
        "colgroup", "caption", "html", "head", "body",
    }
)  # fmt: skip


def nesting_error(html: str) -> str | None:
    """Why the document is too deeply nested to parse safely, or None."""
    if html.count("<") < _CHECK_NESTING_ABOVE:
        return None
    depth = 0
    for name, count in Counter(_TAG_NAME.findall(html)).items():
        closing = name.startswith("/")
        if name.lstrip("/").lower() not in _SHALLOW_TAGS:
            depth += -count if closing else count
    if depth > _MAX_OPEN_ELEMENTS:
        return f"markup nests too deeply (about {depth} unclosed elements)"
    return None


def parse_html(html: str) -> LexborHTMLParser:
    """Parse a whole document with Lexbor (call `nesting_error` first)."""
    return LexborHTMLParser(html)


def node_line(node: LexborNode | None) -> str | None:
    """The text of a node on one line, or None when empty."""
    if node is None:
        return None
    text = normalise_line(node.text(deep=True))
    return text or None


def classes(node: LexborNode) -> list[str]:
    """The class names of an element."""
    return (node.attributes.get("class") or "").split()


def render_text(
    root: LexborNode,
    skip_selectors: tuple[str, ...] = (),
    stop_at_cltags: bool = True,
) -> tuple[str, bool]:
    """Plain text of an element with paragraphs kept.

    `<br>` becomes a line break; paragraph-level blocks are separated by a blank
    line; list items and table rows start new lines. Elements matching
    `skip_selectors` are left out, and so is everything between the
    `<!-- START CLTAGS -->` and `<!-- END CLTAGS -->` markers of classic pages.
    Returns the text and whether it was cut short after `_MAX_NODES` nodes.
    """
    skip_ids: set[int] = set()
    for selector in skip_selectors:
        for node in root.css(selector):
            skip_ids.add(node.mem_id)
    # Text pieces, and ints for breaks: 0 a <br>, 1 a line block, 2 a paragraph.
    pieces: list[str | int] = []
    in_cltags = False
    # One frame per open element: its remaining children and the break it closes
    # with. Children are iterated lazily, so a node budget really bounds the work.
    frames: list[tuple[Iterator[LexborNode], int]] = [(iter((root,)), 0)]
    budget = _MAX_NODES
    while frames and budget:
        children, closing = frames[-1]
        child = next(children, None)
        if child is None:
            frames.pop()
            if closing:
                pieces.append(closing)
            continue
        node = child
        budget -= 1
        if node.is_comment_node:
            comment = node.comment_content or ""
            if stop_at_cltags and "START CLTAGS" in comment:
                in_cltags = True
            elif "END CLTAGS" in comment:
                in_cltags = False
            continue
        if node.is_text_node:
            if not in_cltags:
                pieces.append(_HTML_WHITESPACE.sub(" ", node.text_content or ""))
            continue
        tag = node.tag or ""
        if tag in _SKIP_TAGS or node.mem_id in skip_ids:
            continue
        if tag == "br":
            pieces.append(0)
            continue
        level = 2 if tag in _PARAGRAPH_TAGS else 1 if tag in _LINE_TAGS else 0
        if level:
            pieces.append(level)
        frames.append((node.iter(include_text=True), level))
    return normalise_text(_join(pieces)), bool(frames)


def _join(pieces: list[str | int]) -> str:
    """Join text and breaks: <br>s add up, block edges next to each other merge.

    `<li>a</li> <li>b</li>` gives one line break, `a<br><br>b` a blank line.
    """
    out: list[str] = []
    brs = block = 0
    for piece in pieces:
        if isinstance(piece, int):
            if piece == 0:
                brs += 1
            else:
                block = max(block, piece)
            continue
        if not piece.strip():
            if not (brs or block):
                out.append(piece)
            continue
        if brs or block:
            out.append("\n" * max(brs, block))
            brs = block = 0
        out.append(piece)
    return "".join(out)


def html_fragment_text(html: str) -> str:
    """Plain text of an HTML fragment (JSON-LD or feed descriptions)."""
    if "<" not in html and "&" not in html:
        return normalise_text(html)
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    return render_text(root)[0] if root is not None else ""
