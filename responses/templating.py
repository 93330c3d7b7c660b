"""The reply template language: ``{{name}}`` and ``{{name|fallback}}``, nothing else.

Reply templates are edited in the browser, so they are never handed to the Django or
Jinja engines: both reach settings and code through attribute access, filters and
tags, and Jinja's sandbox has been escaped repeatedly (RELIABILITY_CHECKLIST INJ-2).
This is a small hand-written scanner instead. It finds the only four markers that
matter (``{{``, ``}}``, ``{%``, ``{#``) with a literal-alternation regex, which runs
in linear time with no backtracking, checks every placeholder against an allow-list
of flat variable names, and renders in one pass over the parsed pieces, so text that
comes from lead data is never parsed again.

Public API: ``validate_template`` (every error, positioned), ``parse_template`` (a
``CompiledTemplate`` or ``TemplateValidationError``), ``CompiledTemplate.render`` for
bodies, ``render_header`` / ``clean_header_value`` for subject lines and names, and
the allow-lists ``LEAD_VARIABLES``, ``SENDER_VARIABLES`` and ``ALLOWED_VARIABLES``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = [
    "ALLOWED_VARIABLES",
    "HEADER_MAX_CHARS",
    "LEAD_VARIABLES",
    "MAX_ERRORS",
    "MAX_TEMPLATE_CHARS",
    "SENDER_VARIABLES",
    "CompiledTemplate",
    "Placeholder",
    "TemplateError",
    "TemplateSyntaxError",
    "TemplateValidationError",
    "clean_header_value",
    "parse_template",
    "render_header",
    "validate_template",
]

LEAD_VARIABLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "title": "The posting's title as written on Craigslist",
        "job_title": "The job title read from the posting, e.g. Backend developer",
        "company": "The hiring company or the poster's business name",
        "contact_name": "The contact person's name, when the posting gives one",
        "hood": "The neighbourhood shown next to the title",
        "city": "The city or region of the Craigslist site",
        "site": "The Craigslist site code, e.g. sfbay",
        "category": "The Craigslist category name, e.g. software / qa / dba",
        "compensation": "The compensation text exactly as posted",
        "salary_range": "The normalised salary range, e.g. $90,000-$120,000 a year",
        "posted_date": "The date the posting went up",
        "primary_skill": "The main skill the posting asks for",
        "post_id": "Craigslist's id for the posting",
        "url": "The posting's address",
    }
)
SENDER_VARIABLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sender_name": "Your name, from your profile",
        "signature": "Your signature block, from your profile",
        "portfolio_url": "Your portfolio link, from your profile",
        "sender_email": "Your reply address, from your profile",
        "sender_phone": "Your phone number, from your profile",
    }
)
ALLOWED_VARIABLES: Final[frozenset[str]] = frozenset(LEAD_VARIABLES) | frozenset(
    SENDER_VARIABLES
)

# A reply is a short email; the cap keeps validation and rendering cheap and bounded.
MAX_TEMPLATE_CHARS: Final = 20_000
# Past this many problems the template is garbage; listing more helps no one and a
# hostile megabyte of "{{" would otherwise build half a million error objects.
MAX_ERRORS: Final = 100
HEADER_MAX_CHARS: Final = 200

_MARKER_RE: Final = re.compile(r"\{\{|\}\}|\{%|\{#")
_NAME_RE: Final = re.compile(r"[a-z][a-z0-9_]*")
_SNIPPET_CHARS: Final = 60

# Header values: C0/C1 controls (CR, LF, NUL, TAB, NEL...), the Unicode line and
# paragraph separators, and lone surrogates become spaces; bidirectional overrides
# and isolates (which can make a subject read differently than it is) are dropped.
_HEADER_TABLE: Final[dict[int, str | None]] = {
    **dict.fromkeys(
        itertools.chain(
            range(0x20), range(0x7F, 0xA0), (0x2028, 0x2029), range(0xD800, 0xE000)
        ),
        " ",
    ),
    **dict.fromkeys(
        itertools.chain(
            (0x061C, 0x200E, 0x200F), range(0x202A, 0x202F), range(0x2066, 0x206A)
        )
    ),
}


class TemplateSyntaxError(ValueError):
    """One problem in a template, positioned for the person editing it.

    ``line`` and ``column`` are 1-based and count characters; ``snippet`` is the
    offending source on that line (shortened); ``offset`` is the 0-based index in the
    whole text.
    """

    def __init__(
        self, message: str, line: int, column: int, snippet: str = "", offset: int = 0
    ) -> None:
        super().__init__(message, line, column, snippet, offset)
        self.message = message
        self.line = line
        self.column = column
        self.snippet = snippet
        self.offset = offset

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        """The error as a JSON-ready dict, for forms and API responses."""
        return {
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "snippet": self.snippet,
        }


TemplateError = TemplateSyntaxError


class TemplateValidationError(ValueError):
    """Raised by ``parse_template``; ``errors`` holds every problem found, in order."""

    def __init__(self, errors: Sequence[TemplateSyntaxError]) -> None:
        super().__init__(list(errors))
        self.errors: list[TemplateSyntaxError] = list(errors)

    def __str__(self) -> str:
        return "; ".join(str(error) for error in self.errors)

    @property
    def messages(self) -> list[str]:
        """One ``line L, column C: message`` string per error."""
        return [str(error) for error in self.errors]


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A parsed ``{{name}}`` (fallback ``None``) or ``{{name|fallback}}``."""

    name: str
    fallback: str | None = None


@dataclass(frozen=True)
class CompiledTemplate:
    """A validated template: literal text and placeholders, ready to render."""

    source: str
    pieces: tuple[str | Placeholder, ...]

    @property
    def variables(self) -> tuple[str, ...]:
        """The variable names used, in order of first use, each once."""
        names = (p.name for p in self.pieces if isinstance(p, Placeholder))
        return tuple(dict.fromkeys(names))

    def render(self, context: Mapping[str, object]) -> str:
        """Fill the placeholders from ``context`` in a single pass.

        Values are converted with ``str()`` and inserted verbatim, never parsed, so
        braces or tags inside lead data stay literal text. A missing, ``None``, empty
        or whitespace-only value renders the fallback, or nothing without one.
        """
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
            else:
                out.append(_value_text(context.get(piece.name)) or piece.fallback or "")
        return "".join(out)


def validate_template(
    text: str,
    allowed: Iterable[str] = ALLOWED_VARIABLES,
    *,
    max_chars: int = MAX_TEMPLATE_CHARS,
) -> list[TemplateSyntaxError]:
    """Every problem in ``text``, in source order; an empty list means it is valid.

    Never raises for any string. At most ``MAX_ERRORS`` errors are listed, the last
    one saying that more were left out.
    """
    return _Scanner(text, frozenset(allowed), max_chars).scan()[1]


def parse_template(
    text: str,
    allowed: Iterable[str] = ALLOWED_VARIABLES,
    *,
    max_chars: int = MAX_TEMPLATE_CHARS,
) -> CompiledTemplate:
    """Compile ``text`` or raise ``TemplateValidationError`` listing every problem."""
    pieces, errors = _Scanner(text, frozenset(allowed), max_chars).scan()
    if errors:
        raise TemplateValidationError(errors)
    return CompiledTemplate(source=text, pieces=tuple(pieces))


def render_header(
    template: CompiledTemplate,
    context: Mapping[str, object],
    *,
    max_length: int = HEADER_MAX_CHARS,
) -> str:
    """Render a one-line header value (subject, name) that cannot inject headers."""
    return clean_header_value(template.render(context), max_length=max_length)


def clean_header_value(value: str, *, max_length: int = HEADER_MAX_CHARS) -> str:
    """``value`` on one line: controls, CR/LF and Unicode line breaks become spaces,
    bidi overrides go, whitespace runs collapse, and the result is cut to
    ``max_length`` characters."""
    collapsed = " ".join(value.translate(_HEADER_TABLE).split())
    return collapsed[:max_length].rstrip()


def _value_text(value: object) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return text if text.strip() else ""


class _TooManyErrorsError(Exception):
    """Internal: stops the scan once ``MAX_ERRORS`` problems are recorded."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class _Scanner:
    """One left-to-right pass over the markers of one template."""

    def __init__(self, text: str, allowed: frozenset[str], max_chars: int) -> None:
        self.text = text
        self.allowed = allowed
        self.max_chars = max_chars
        self.errors: list[TemplateSyntaxError] = []
        self.pieces: list[str | Placeholder] = []

    def scan(self) -> tuple[list[str | Placeholder], list[TemplateSyntaxError]]:
        try:
            self._scan()
        except _TooManyErrorsError as stop:
            self.errors.sort(key=lambda error: error.offset)
            self.errors.append(
                self._error(
                    stop.offset,
                    f"too many errors; only the first {MAX_ERRORS} are listed",
                    snippet="",
                )
            )
            return [], self.errors
        self.errors.sort(key=lambda error: error.offset)
        return self.pieces, self.errors

    def _scan(self) -> None:
        text = self.text
        if len(text) > self.max_chars:
            self._fail(
                self.max_chars,
                f"template is too long: {len(text):,} characters "
                f"(the limit is {self.max_chars:,})",
                span=(0, 0),
            )
        literal_start = 0
        open_at: int | None = None  # offset of the "{{" of the placeholder we are in
        spoiled = False  # the open placeholder already has an error reported
        for match in _MARKER_RE.finditer(text):
            marker, at = match.group(), match.start()
            if marker in ("{%", "{#"):
                kind = "template tags" if marker == "{%" else "comments"
                closer = "%}" if marker == "{%" else "#}"
                self._fail(
                    at,
                    f'{kind} "{marker} ... {closer}" are not allowed; '
                    "use {{name}} or {{name|fallback}} placeholders only",
                )
                spoiled = spoiled or open_at is not None
            elif marker == "{{":
                if open_at is None:
                    self._literal(literal_start, at)
                else:
                    self._unclosed(open_at)
                open_at, spoiled = at, False
            elif open_at is None:
                self._fail(at, '"}}" has no matching "{{" before it')
            else:
                if not spoiled:
                    self._placeholder(open_at, at)
                open_at, literal_start = None, at + 2
        if open_at is None:
            self._literal(literal_start, len(text))
        else:
            self._unclosed(open_at)

    def _literal(self, start: int, end: int) -> None:
        if end > start:
            self.pieces.append(self.text[start:end])

    def _unclosed(self, open_at: int) -> None:
        self._fail(open_at, '"{{" is never closed with "}}"')

    def _placeholder(self, open_at: int, close_at: int) -> None:
        inner = open_at + 2
        content = self.text[inner:close_at]
        span = (open_at, close_at + 2)
        first_pipe = content.find("|")
        fallback: str | None = None
        raw_name = content
        if first_pipe != -1:
            second_pipe = content.find("|", first_pipe + 1)
            if second_pipe != -1:
                self._fail(
                    inner + second_pipe,
                    'only one "|" is allowed, to give a fallback text; '
                    "filters are not supported",
                    span=span,
                )
                return
            raw_name, fallback = content[:first_pipe], content[first_pipe + 1 :].strip()
        name = raw_name.strip()
        if not name:
            message = (
                "empty placeholder; write {{name}} or {{name|fallback}}"
                if fallback is None
                else 'placeholder has no variable name before "|"'
            )
            self._fail(open_at, message, span=span)
            return
        name_at = inner + len(raw_name) - len(raw_name.lstrip())
        if _NAME_RE.fullmatch(name) is None:
            self._fail(name_at, self._bad_name(name), span=span)
        elif name not in self.allowed:
            allowed = ", ".join(sorted(self.allowed)) or "none"
            self._fail(
                name_at,
                f'unknown variable "{name}" (allowed: {allowed})',
                span=span,
            )
        else:
            self.pieces.append(Placeholder(name=name, fallback=fallback))

    def _bad_name(self, name: str) -> str:
        shown = _shorten(name)
        if "(" in name or ")" in name:
            return f'function calls are not allowed: "{shown}"'
        if "[" in name or "]" in name:
            return f'indexing is not allowed: "{shown}"'
        if "." in name:
            return (
                f'attribute access is not allowed: "{shown}"; '
                "use a plain variable name such as {{title}}"
            )
        lowered = name.lower()
        if lowered in self.allowed:
            return (
                f'variable names are lowercase: "{shown}" (did you mean "{lowered}"?)'
            )
        return (
            f'invalid variable name "{shown}": use lowercase letters, digits and "_", '
            "starting with a letter"
        )

    def _snippet(self, start: int, end: int) -> str:
        piece = self.text[start : min(end, start + _SNIPPET_CHARS + 1)]
        line_end = min(
            (i for i in (piece.find("\n"), piece.find("\r")) if i != -1),
            default=-1,
        )
        if line_end != -1:
            return piece[:line_end] + "…"
        if len(piece) > _SNIPPET_CHARS:
            return piece[:_SNIPPET_CHARS] + "…"
        return piece

    def _fail(
        self, offset: int, message: str, *, span: tuple[int, int] | None = None
    ) -> None:
        """Record an error; ``span`` is the source to quote (default: from offset)."""
        if len(self.errors) >= MAX_ERRORS:
            raise _TooManyErrorsError(offset)
        start, end = span or (offset, offset + _SNIPPET_CHARS)
        snippet = self._snippet(start, end)
        self.errors.append(self._error(offset, message, snippet=snippet))

    def _error(self, offset: int, message: str, *, snippet: str) -> TemplateSyntaxError:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - self.text.rfind("\n", 0, offset)
        return TemplateSyntaxError(message, line, column, snippet, offset)


def _shorten(value: str, limit: int = 40) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
