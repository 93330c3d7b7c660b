"""Posting attributes across eras, and the job fields read from them.

* gen A: `<!-- CLTAG compensation=… -->` comments in `ul.blurbs`.
* gen B/C: `p.attrgroup > span` as "label: <b>value</b>" or a bare flag.
* gen D/E: `div.attrgroup > div.attr.<key> > span.labl + span.valu`, and
  `span.attr.important` summaries.

Attributes map the label shown (lower case, without the colon) to the value shown.
Attributes without a label (flags such as "cats are OK - purrr") map their text to
True, in every era.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraping.parsing.dom import classes, node_line
from scraping.parsing.text import normalise_line
from scraping.parsing.types import AttributeValue

_CLTAG = re.compile(
    r"<!--\s{0,10}CLTAG\s{1,10}([A-Za-z_][\w-]{0,40})=([^>]{0,500}?)\s{0,10}-->"
)
_LABEL_MAX = 60

COMPENSATION_LABELS = frozenset(
    {
        "compensation",
        "pay",
        "salary",
        "wage",
        "wages",
        "remuneration",
        "pay rate",
        "rate",
    }
)
EMPLOYMENT_LABELS = frozenset({"employment type", "job type", "employment"})
EXPERIENCE_LABELS = frozenset({"experience level", "experience", "seniority"})
JOB_TITLE_LABELS = frozenset({"job title", "position", "position title"})
COMPANY_LABELS = frozenset(
    {"company", "company name", "employer", "organization", "organisation", "business"}
)
CONTACT_NAME_LABELS = frozenset({"contact name", "contact person"})
_REMOTE_WORDS = re.compile(r"\b(?:telecommut\w*|remote\w*|work from home|wfh)\b", re.I)
_INTERN_WORDS = re.compile(r"\bintern(?:ship)?s?\b", re.I)
_NONPROFIT_WORDS = re.compile(r"\bnon-?profit\b", re.I)
_NEGATION = re.compile(r"\b(?:no|not|non)\b(?!-?profit)", re.I)
_YES = {"yes", "y", "true", "ok", "okay", "on", "1", "allowed"}
_NO = {"no", "n", "false", "off", "0", "not allowed", "none"}

# Link parameters on gen D/E attribute values and the flags they mean.
_FLAG_PARAMS = {
    "is_telecommuting": "remote",
    "is_remote": "remote",
    "is_internship": "internship",
    "is_nonprofit": "nonprofit",
}
# CLTAG names (lower case, letters only) → employment type / flag.
_CLTAG_EMPLOYMENT = {
    "parttime": "part-time",
    "fulltime": "full-time",
    "contract": "contract",
    "temporary": "temporary",
    "temp": "temporary",
    "internship": "internship",
}
_CLTAG_FLAGS = {
    "telecommuting": "remote",
    "telecommute": "remote",
    "remote": "remote",
    "internship": "internship",
    "nonprofit": "nonprofit",
}
# Gen A blurb sentences, for pages whose CLTAG comments were stripped.
_BLURB_EMPLOYMENT = (
    (re.compile(r"\bthis is a part-time job\b", re.I), "part-time"),
    (re.compile(r"\bthis is a full-time job\b", re.I), "full-time"),
    (re.compile(r"\bthis is a contract job\b", re.I), "contract"),
    (re.compile(r"\bthis is an? internship\b", re.I), "internship"),
)
_BLURB_FLAGS = (
    (re.compile(r"\btelecommut\w* (?:is )?ok", re.I), "remote"),
    (re.compile(r"\bthis is an? internship\b", re.I), "internship"),
    (re.compile(r"\bnon-?profit organization\b", re.I), "nonprofit"),
)


@dataclass(slots=True)
class AttributeReading:
    """Attributes of a posting plus the job facts they imply."""

    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    # Flag texts and link parameters, kept for the job-flag rules.
    flag_texts: list[str] = field(default_factory=list)
    link_params: dict[str, str] = field(default_factory=dict)
    cltags: dict[str, str] = field(default_factory=dict)
    housing_texts: list[str] = field(default_factory=list)
    blurbs: list[str] = field(default_factory=list)


def read_attributes(tree: LexborHTMLParser, raw_html: str) -> AttributeReading:
    """Collect every attribute shown on the page, in page order."""
    reading = AttributeReading()
    for group in tree.css("p.attrgroup, div.attrgroup, div.bigattr, p.bigattr"):
        if "bigattr" in classes(group):
            _add_text(reading, node_line(group), has_label=False)
            continue
        for child in group.iter():
            _read_attribute_node(reading, child)
    for match in _CLTAG.finditer(raw_html):
        name, value = match.group(1), normalise_line(match.group(2))
        reading.cltags[name] = value
        reading.attributes[name] = True if value.lower() == "on" else value
    for item in tree.css("ul.blurbs li"):
        text = node_line(item)
        if text:
            reading.blurbs.append(text)
    return reading


def _read_attribute_node(reading: AttributeReading, node: LexborNode) -> None:
    tag = node.tag or ""
    if tag in {"br", "-text", "-comment", "script", "style"}:
        return
    names = classes(node)
    for link in node.css("a[href]"):
        _record_params(reading, link.attributes.get("href") or "")
    if "attr" in names and tag == "div":
        label_node, value_node = node.css_first(".labl"), node.css_first(".valu")
        if label_node is not None:
            label = _clean_label(node_line(label_node) or "")
            value = node_line(value_node) if value_node is not None else None
            if label and value:
                reading.attributes[label] = value
                return
            if label:
                _add_flag(reading, label)
                return
        _add_text(reading, node_line(value_node or node), has_label=False)
        return
    if "important" in names or "shared-line-bubble" in names:
        text = node_line(node)
        if text:
            reading.housing_texts.append(text)
            _add_flag(reading, text)
        return
    has_bold = node.css_first("b") is not None
    _add_text(reading, node_line(node), has_label=has_bold)


def _add_text(reading: AttributeReading, text: str | None, *, has_label: bool) -> None:
    if not text:
        return
    label, sep, value = text.partition(":")
    label = _clean_label(label)
    value = value.strip()
    # "compensation: <b>$25/hr</b>" or "compensation: DOE"; a colon deep inside a
    # long flag text is not a label.
    if sep and label and value and (has_label or len(label) <= _LABEL_MAX):
        reading.attributes[label] = value
        return
    _add_flag(reading, text)


def _add_flag(reading: AttributeReading, text: str) -> None:
    reading.attributes[text] = True
    reading.flag_texts.append(text)


def _clean_label(text: str) -> str:
    return normalise_line(text).rstrip(":").strip().lower()


def _record_params(reading: AttributeReading, href: str) -> None:
    if "?" not in href or len(href) > 2000:
        return
    try:
        query = parse_qs(urlsplit(href).query)
    except ValueError:
        return
    for key, values in query.items():
        if values and key not in {"cat", "query", "lang", "cc"}:
            reading.link_params[key] = values[0]


def first_labelled(
    attributes: dict[str, AttributeValue], labels: frozenset[str]
) -> str | None:
    """The value of the first attribute whose label is one of `labels`."""
    for label, value in attributes.items():
        if isinstance(value, str) and label.lower() in labels:
            return value
    return None


@dataclass(slots=True)
class JobFacts:
    """Job fields read from structured attributes (never guessed from free text)."""

    compensation: str | None = None
    employment_type: list[str] = field(default_factory=list)
    experience_level: str | None = None
    job_title: str | None = None
    company: str | None = None
    contact_name: str | None = None
    is_remote: bool | None = None
    is_internship: bool | None = None
    is_nonprofit: bool | None = None


def job_facts(reading: AttributeReading, category: str | None) -> JobFacts:
    """Derive the job fields from the attributes, CLTAGs and blurbs."""
    attrs = reading.attributes
    facts = JobFacts(
        compensation=first_labelled(attrs, COMPENSATION_LABELS),
        experience_level=first_labelled(attrs, EXPERIENCE_LABELS),
        job_title=first_labelled(attrs, JOB_TITLE_LABELS),
        company=first_labelled(attrs, COMPANY_LABELS),
        contact_name=first_labelled(attrs, CONTACT_NAME_LABELS),
    )
    employment = first_labelled(attrs, EMPLOYMENT_LABELS)
    if employment:
        add_employment_types(facts.employment_type, re.split(r"[,;]", employment))
    flags: dict[str, bool] = {}
    for name, value in reading.cltags.items():
        key = re.sub(r"[^a-z]", "", name.lower())
        switched_on = value.lower() in _YES
        if key == "compensation" and not facts.compensation and value:
            facts.compensation = value
        if key in _CLTAG_EMPLOYMENT and switched_on:
            add_employment_types(facts.employment_type, [_CLTAG_EMPLOYMENT[key]])
        if key in _CLTAG_FLAGS and (switched_on or value.lower() in _NO):
            flags[_CLTAG_FLAGS[key]] = switched_on
    for blurb in reading.blurbs:
        for pattern, kind in _BLURB_EMPLOYMENT:
            if pattern.search(blurb):
                add_employment_types(facts.employment_type, [kind])
        for pattern, flag in _BLURB_FLAGS:
            if pattern.search(blurb):
                flags.setdefault(flag, True)
    for param, flag in _FLAG_PARAMS.items():
        param_value = reading.link_params.get(param)
        if param_value is not None:
            flags.setdefault(flag, param_value.lower() in _YES)
    for label, attribute in attrs.items():
        _labelled_flag(flags, label, attribute)
    for text in reading.flag_texts:
        for pattern, flag in (
            (_REMOTE_WORDS, "remote"),
            (_INTERN_WORDS, "internship"),
            (_NONPROFIT_WORDS, "nonprofit"),
        ):
            if pattern.search(text):
                flags.setdefault(flag, _NEGATION.search(text) is None)
    if "internship" in facts.employment_type:
        flags.setdefault("internship", True)
    if category == "npo":
        flags.setdefault("nonprofit", True)
    facts.is_remote = flags.get("remote")
    facts.is_internship = flags.get("internship")
    facts.is_nonprofit = flags.get("nonprofit")
    return facts


def _labelled_flag(flags: dict[str, bool], label: str, value: AttributeValue) -> None:
    if not isinstance(value, str):
        return
    answer = value.strip().lower()
    for pattern, flag in (
        (_REMOTE_WORDS, "remote"),
        (_INTERN_WORDS, "internship"),
        (_NONPROFIT_WORDS, "nonprofit"),
    ):
        if not pattern.search(label):
            continue
        if answer in _YES:
            flags.setdefault(flag, True)
        elif answer in _NO or answer.startswith(("no ", "not ")):
            flags.setdefault(flag, False)
        elif flag == "remote" and re.search(r"\b(?:fully |100% )?remote\b", answer):
            flags.setdefault(flag, True)
        elif flag == "remote" and re.search(r"\bon-?site\b|\bin[- ]person\b", answer):
            flags.setdefault(flag, False)


_EMPLOYMENT_ALIASES = {
    "full_time": "full-time",
    "full time": "full-time",
    "fulltime": "full-time",
    "part_time": "part-time",
    "part time": "part-time",
    "parttime": "part-time",
    "contractor": "contract",
    "intern": "internship",
    "per_diem": "per diem",
}


def add_employment_types(target: list[str], values: list[str]) -> None:
    """Append lower-case employment types, mapping schema.org codes, without repeats."""
    for raw in values:
        value = normalise_line(raw).lower()
        value = _EMPLOYMENT_ALIASES.get(value, value.replace("_", " "))
        if value and len(value) <= 60 and value not in target:
            target.append(value)
