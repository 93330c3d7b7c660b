"""The reply template language: only `{{name}}` and `{{name|fallback}}`, validated
against an allow-list, rendered in one pass, with header values kept on one line."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from craigleads.defaults import TEMPLATES
from responses.templating import (
    ALLOWED_VARIABLES,
    HEADER_MAX_CHARS,
    LEAD_VARIABLES,
    MAX_ERRORS,
    MAX_TEMPLATE_CHARS,
    SENDER_VARIABLES,
    CompiledTemplate,
    Placeholder,
    TemplateError,
    TemplateSyntaxError,
    TemplateValidationError,
    clean_header_value,
    parse_template,
    render_header,
    validate_template,
)

SAMPLE_CONTEXT: dict[str, object] = {
    "title": "Senior Django developer (remote)",
    "job_title": "Backend developer",
    "company": "Acme Widgets",
    "contact_name": "Dana",
    "hood": "Mission District",
    "city": "SF Bay Area",
    "site": "sfbay",
    "category": "software / qa / dba",
    "compensation": "$120k-$150k DOE",
    "salary_range": "$120,000-$150,000 a year",
    "posted_date": "2025-03-01",
    "primary_skill": "Django",
    "post_id": 7812345678,
    "url": "https://sfbay.craigslist.org/sfc/sof/d/senior-django/7812345678.html",
    "sender_name": "Sam Sender",
    "signature": "--\nSam Sender\nsam@example.com",
    "portfolio_url": "https://sam.example.com",
    "sender_email": "sam@example.com",
    "sender_phone": "+1 415 555 0100",
}

HOSTILE_VALUES = [
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "{{ title }}",
    "<script>alert(1)</script>",
    "line one\r\nBcc: victim@example.com\r\n",
    "{0.__class__.__mro__}",
    "}}{{",
]


def errors_at(text: str) -> list[tuple[int, int]]:
    return [(error.line, error.column) for error in validate_template(text)]


# --- the allow-list ----------------------------------------------------------------


def test_allowed_variables_are_the_lead_and_sender_names_each_with_a_description() -> (
    None
):
    assert set(LEAD_VARIABLES) == {
        "title",
        "job_title",
        "company",
        "contact_name",
        "hood",
        "city",
        "site",
        "category",
        "compensation",
        "salary_range",
        "posted_date",
        "primary_skill",
        "post_id",
        "url",
    }
    assert set(SENDER_VARIABLES) == {
        "sender_name",
        "signature",
        "portfolio_url",
        "sender_email",
        "sender_phone",
    }
    assert frozenset(LEAD_VARIABLES) | frozenset(SENDER_VARIABLES) == ALLOWED_VARIABLES
    for description in [*LEAD_VARIABLES.values(), *SENDER_VARIABLES.values()]:
        assert description
        assert "\n" not in description


def test_the_allow_lists_cannot_be_changed_at_runtime() -> None:
    with pytest.raises(TypeError):
        LEAD_VARIABLES["secret_key"] = "nope"  # type: ignore[index]


# --- the default templates ----------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES, ids=[t["name"] for t in TEMPLATES])
def test_every_default_template_validates_and_renders_with_a_sample_lead(
    template: dict[str, str],
) -> None:
    for field in ("subject_template", "body_template"):
        assert validate_template(template[field], ALLOWED_VARIABLES) == []

    subject = parse_template(template["subject_template"], ALLOWED_VARIABLES)
    body = parse_template(template["body_template"], ALLOWED_VARIABLES)

    rendered_subject = render_header(subject, SAMPLE_CONTEXT)
    assert "Senior Django developer (remote)" in rendered_subject
    rendered_body = body.render(SAMPLE_CONTEXT)
    assert rendered_body.startswith("H")
    assert "Dana" in rendered_body
    assert rendered_body.rstrip().endswith("sam@example.com")
    assert "{{" not in rendered_body
    assert "}}" not in rendered_body


@pytest.mark.parametrize("template", TEMPLATES, ids=[t["name"] for t in TEMPLATES])
def test_default_templates_fall_back_gracefully_when_the_lead_has_no_details(
    template: dict[str, str],
) -> None:
    body = parse_template(template["body_template"])

    rendered = body.render({"title": "Gig", "sender_name": "Sam"})

    assert rendered.startswith(("Hello there,", "Hi there,"))
    assert rendered.endswith("Sam\n")


def test_the_software_default_template_renders_exactly() -> None:
    body = parse_template(TEMPLATES[0]["body_template"])

    assert body.render(SAMPLE_CONTEXT) == (
        "Hello Dana,\n\n"
        "I saw your posting for Backend developer in Mission District and would "
        "like to be considered. I work mostly in Django and have shipped similar "
        "projects; a few are at https://sam.example.com.\n\n"
        "Could we talk this week?\n\nSam Sender\n--\nSam Sender\nsam@example.com"
    )
    assert body.variables == (
        "contact_name",
        "job_title",
        "hood",
        "primary_skill",
        "portfolio_url",
        "sender_name",
        "signature",
    )


# --- hostile templates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("Hi {{ settings.SECRET_KEY }}", 7, "attribute access is not allowed"),
        ("Hi {% debug %}", 4, "template tags"),
        ("{% load log %}{% get_admin_log 10 as x %}", 1, "template tags"),
        ("{{ lead.__class__ }}", 4, "attribute access"),
        ("{{ title.__class__.__mro__ }}", 4, "attribute access"),
        ("{{ ''.join }}", 4, "attribute access"),
        ("{{ title.upper() }}", 4, "function calls are not allowed"),
        ("{{ lead['title'] }}", 4, "indexing is not allowed"),
        ("{{ x|y|z }}", 7, 'only one "|"'),
        ("{{ title|upper|safe }}", 15, 'only one "|"'),
        ("{{ }}", 1, "empty placeholder"),
        ("{{}}", 1, "empty placeholder"),
        ("{{ |there }}", 1, "no variable name"),
        ("Hello {{title", 7, '"{{" is never closed'),
        ("title}} and more", 6, '"}}" has no matching "{{"'),
        ("{# c #}", 1, "comments"),
        (
            "{{ Title }}",
            4,
            'variable names are lowercase: "Title" (did you mean "title"?)',
        ),
        ("{{ salary_hint }}", 4, 'unknown variable "salary_hint" (allowed: category,'),
        ("{{ 1title }}", 4, "invalid variable name"),
        ("{{ first name }}", 4, "invalid variable name"),
        ("{{ títle }}", 4, "invalid variable name"),
        ("{{ __globals__ }}", 4, "invalid variable name"),
        ("{{ {% debug %} }}", 4, "template tags"),
    ],
)
def test_hostile_or_broken_templates_are_refused_with_a_positioned_message(
    text: str, column: int, fragment: str
) -> None:
    errors = validate_template(text, ALLOWED_VARIABLES)

    assert errors, text
    first = errors[0]
    assert (first.line, first.column) == (1, column)
    assert fragment in first.message
    assert str(first) == f"line 1, column {column}: {first.message}"
    with pytest.raises(TemplateValidationError) as raised:
        parse_template(text, ALLOWED_VARIABLES)
    assert [str(e) for e in raised.value.errors] == [str(e) for e in errors]


def test_an_unknown_variable_message_lists_the_allowed_names() -> None:
    (error,) = validate_template("Hi\n\n   {{ contact_name }} {{salary_hint}}")

    assert str(error) == (
        'line 3, column 25: unknown variable "salary_hint" (allowed: '
        + ", ".join(sorted(ALLOWED_VARIABLES))
        + ")"
    )
    assert error.snippet == "{{salary_hint}}"


def test_the_allowed_names_come_from_the_caller() -> None:
    assert validate_template("{{ title }} {{ company }}", {"title", "company"}) == []

    (error,) = validate_template("{{ title }} {{ url }}", {"title"})

    assert error.message == 'unknown variable "url" (allowed: title)'
    assert validate_template("{{ title }}", set())[0].message == (
        'unknown variable "title" (allowed: none)'
    )


def test_every_error_in_a_multi_line_template_is_reported_together_in_order() -> None:
    text = (
        "Hello {{ contact_name }},\n"
        "{% if paid %}\n"
        "Pay: {{ salary_hint }} / {{ lead.title }}\r\n"
        "}} {{ Title }} {{ x|y|z }}\n"
        "Bye {{sender_name"
    )

    errors = validate_template(text, ALLOWED_VARIABLES)

    assert [(e.line, e.column) for e in errors] == [
        (2, 1),
        (3, 9),
        (3, 29),
        (4, 1),
        (4, 7),
        (4, 22),
        (5, 5),
    ]
    assert [e.snippet for e in errors] == [
        "{% if paid %}…",
        "{{ salary_hint }}",
        "{{ lead.title }}",
        "}} {{ Title }} {{ x|y|z }}…",
        "{{ Title }}",
        "{{ x|y|z }}",
        "{{sender_name",
    ]
    with pytest.raises(TemplateValidationError) as raised:
        parse_template(text)
    assert len(raised.value.errors) == 7
    assert raised.value.messages[0].startswith("line 2, column 1: template tags")
    assert str(raised.value).count("; line ") == 6


def test_a_brace_opened_inside_a_placeholder_reports_the_unclosed_one() -> None:
    assert errors_at("{{ title | a {{ company }} }}") == [(1, 1), (1, 28)]


def test_columns_count_characters_not_bytes() -> None:
    (error,) = validate_template("héllo ✉️ {{ nope }}")

    assert (error.line, error.column) == (1, 13)


def test_errors_are_exceptions_that_serialise_to_a_dict() -> None:
    (error,) = validate_template("{{ nope }}", {"title"})

    assert isinstance(error, TemplateError)
    assert isinstance(error, TemplateSyntaxError)
    assert error.as_dict() == {
        "message": 'unknown variable "nope" (allowed: title)',
        "line": 1,
        "column": 4,
        "snippet": "{{ nope }}",
    }


def test_a_template_longer_than_the_cap_is_refused() -> None:
    text = "a" * (MAX_TEMPLATE_CHARS + 1)

    (error,) = validate_template(text)

    assert "too long" in error.message
    assert validate_template("{{title}}", max_chars=5)[0].column == 6
    assert validate_template("a" * MAX_TEMPLATE_CHARS) == []


@pytest.mark.parametrize(
    "text",
    [
        "{{" * 500_000,
        "{{{{{{" * 170_000,
        "}}" * 500_000,
        "{%" * 500_000,
        "{#" * 500_000,
        "{{ " + "|" * 1_000_000,
        "{{" + "a" * 1_000_000,
        "{{ title" + " " * 1_000_000,
        "{" * 1_000_000,
        "{{title}}" * 111_112,
    ],
    ids=lambda text: repr(text[:8]),
)
def test_a_hostile_megabyte_is_refused_quickly_with_a_bounded_error_list(
    text: str,
) -> None:
    started = time.perf_counter()
    errors = validate_template(text)
    elapsed = time.perf_counter() - started

    assert errors
    assert len(errors) <= MAX_ERRORS + 1
    assert elapsed < 2.0
    if len(errors) > MAX_ERRORS:
        assert "too many errors" in errors[-1].message


# --- what is plain text --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Single { and } braces are fine",
        "A dict {'a': 1} and {0.__class__} and {title} stay literal",
        "Percent %} and hash #} closers alone are text",
        "{ {title} }",
        "",
    ],
)
def test_text_without_markers_is_valid_and_renders_to_itself(text: str) -> None:
    template = parse_template(text)

    assert template.render(SAMPLE_CONTEXT) == text
    assert template.variables == ()


# --- rendering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hi {{title}}!",
        "Hi {{ title }}!",
        "Hi {{  title\t}}!",
        "Hi {{\ntitle\n}}!",
        "Hi {{ title | fallback }}!",
        "Hi {{title|fallback}}!",
    ],
)
def test_whitespace_around_the_name_and_fallback_is_allowed(text: str) -> None:
    template = parse_template(text)

    assert template.render({"title": "Dana"}) == "Hi Dana!"
    assert template.variables == ("title",)


@pytest.mark.parametrize("value", [None, "", "   ", "\n"])
def test_missing_or_blank_values_render_the_fallback(value: object) -> None:
    template = parse_template("Hello {{ contact_name | there }},")

    assert template.render({"contact_name": value}) == "Hello there,"
    assert template.render({}) == "Hello there,"


def test_without_a_fallback_a_missing_value_renders_nothing() -> None:
    assert parse_template("[{{contact_name}}]").render({}) == "[]"
    assert parse_template("[{{signature|}}]").render({}) == "[]"
    assert parse_template("[{{signature|}}]").render({"signature": "S"}) == "[S]"


def test_a_fallback_keeps_its_inner_text_including_single_braces() -> None:
    template = parse_template("{{ portfolio_url | my {work} portfolio }}")

    assert template.pieces == (
        Placeholder(name="portfolio_url", fallback="my {work} portfolio"),
    )
    assert template.render({}) == "my {work} portfolio"


def test_title_with_upper_is_a_fallback_not_a_filter() -> None:
    template = parse_template("{{ title|upper }}")

    assert template.render({"title": "dev"}) == "dev"
    assert template.render({}) == "upper"


def test_values_are_converted_with_str() -> None:
    template = parse_template("#{{post_id}} on {{posted_date}}")

    assert template.render({"post_id": 7812345678, "posted_date": 0}) == (
        "#7812345678 on 0"
    )


def test_unicode_text_around_placeholders_is_kept() -> None:
    template = parse_template("Grüße, {{ contact_name | 友人 }} — 👋 {{title}}…")

    assert template.render({"title": "Café crew"}) == "Grüße, 友人 — 👋 Café crew…"


def test_variables_are_listed_in_order_of_first_use_each_once() -> None:
    template = parse_template("{{title}} {{company}} {{ title }} {{url|x}} {{company}}")

    assert template.variables == ("title", "company", "url")


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_lead_data_renders_literally_in_bodies(value: str) -> None:
    template = parse_template("Re {{title}}: {{company|them}}.")

    rendered = template.render({"title": value, "company": value})

    assert rendered == f"Re {value}: {value}."


def test_a_value_that_looks_like_a_placeholder_is_not_expanded() -> None:
    template = parse_template("{{title}}")

    rendered = template.render({"title": "{{ company }}", "company": "LEAKED"})

    assert rendered == "{{ company }}"


def test_render_is_fast() -> None:
    body = parse_template(TEMPLATES[0]["body_template"])
    big = {**SAMPLE_CONTEXT, "title": "x" * 100_000}

    started = time.perf_counter()
    for _ in range(100):
        body.render(big)
    assert (time.perf_counter() - started) / 100 < 0.010


# --- headers --------------------------------------------------------------------------


def test_header_rendering_removes_cr_lf_so_no_header_can_be_injected() -> None:
    subject = parse_template("{{title}}")

    assert render_header(subject, {"title": "Hi\r\nBcc: x@y"}) == "Hi Bcc: x@y"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a\rb\nc\r\nd", "a b c d"),
        ("tab\there", "tab here"),
        ("nul\x00byte", "nul byte"),
        ("nel\x85line", "nel line"),
        ("ls\u2028ps\u2029end", "ls ps end"),
        ("esc\x1b[31mred", "esc [31mred"),
        ("vt\x0bff\x0cfs\x1c", "vt ff fs"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("   padded   out   ", "padded out"),
        ("{{ settings.SECRET_KEY }} <script>", "{{ settings.SECRET_KEY }} <script>"),
    ],
)
def test_header_values_lose_control_characters_and_collapse_whitespace(
    value: str, expected: str
) -> None:
    assert render_header(parse_template("{{title}}"), {"title": value}) == expected
    assert clean_header_value(value) == expected


def test_header_values_are_cut_to_two_hundred_characters() -> None:
    subject = parse_template("Re: {{title}}")

    rendered = render_header(subject, {"title": "word " * 100})

    assert len(rendered) <= HEADER_MAX_CHARS == 200
    assert rendered.startswith("Re: word word")
    assert not rendered.endswith(" ")
    assert len(render_header(subject, {"title": "x" * 500})) == 200


def test_a_fallback_with_a_line_break_cannot_break_a_header_either() -> None:
    subject = parse_template("Re: {{ title | your\nposting }}")

    assert render_header(subject, {}) == "Re: your posting"


# --- properties -----------------------------------------------------------------------

FRAGMENTS = [
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "{",
    "}",
    "|",
    " ",
    "\n",
    ".",
    "title",
    "Title",
    "x",
    "__class__",
    "__globals__",
    "{0.__class__}",
    ".format",
    "()",
    "[0]",
    "é",
    "\x00",
]
hostile_text = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=300), hostile_text)
no_markers = st.text(max_size=200).filter(
    lambda t: not any(m in t for m in ("{{", "}}", "{%", "{#"))
)
fast = settings(max_examples=150, deadline=None)


@fast
@given(any_text)
def test_validation_never_raises_and_returns_positioned_errors(text: str) -> None:
    errors = validate_template(text)

    assert isinstance(errors, list)
    lines = text.split("\n")
    for error in errors:
        assert isinstance(error, TemplateSyntaxError)
        assert 1 <= error.line <= len(lines)
        assert 1 <= error.column <= len(lines[error.line - 1]) + 1
        assert str(error).startswith(f"line {error.line}, column {error.column}: ")


def substitute_with_a_regex(text: str, values: dict[str, str]) -> str:
    """An independent oracle for valid templates: swap each {{...}} for its value."""

    def value_of(match: re.Match[str]) -> str:
        return values[match.group(1).partition("|")[0].strip()]

    return re.sub(r"\{\{(.*?)\}\}", value_of, text, flags=re.DOTALL)


@fast
@given(any_text)
def test_only_validation_errors_are_raised_and_output_is_literal_text_and_values(
    text: str,
) -> None:
    try:
        template = parse_template(text)
    except TemplateValidationError as exc:
        assert [str(e) for e in exc.errors] == [str(e) for e in validate_template(text)]
        return
    sentinels = {name: f"<{name}>" for name in ALLOWED_VARIABLES}

    assert template.render(sentinels) == substitute_with_a_regex(text, sentinels)


piece = st.one_of(
    st.text(max_size=30).filter(lambda t: "{" not in t and "}" not in t),
    st.builds(
        Placeholder,
        name=st.sampled_from(sorted(ALLOWED_VARIABLES)),
        fallback=st.one_of(
            st.none(),
            st.text(max_size=15).filter(
                lambda t: "{" not in t and "}" not in t and "|" not in t
            ),
        ),
    ),
)


def source_of(pieces: list[str | Placeholder]) -> str:
    out = []
    for item in pieces:
        if isinstance(item, str):
            out.append(item)
        elif item.fallback is None:
            out.append("{{ " + item.name + " }}")
        else:
            out.append("{{" + item.name + "|" + item.fallback + "}}")
    return "".join(out)


@fast
@given(
    st.lists(piece, max_size=12),
    st.dictionaries(st.sampled_from(sorted(ALLOWED_VARIABLES)), st.text(max_size=40)),
)
def test_output_is_the_literal_text_plus_allow_listed_values_only(
    pieces: list[str | Placeholder], context: dict[str, Any]
) -> None:
    template = parse_template(source_of(pieces))

    expected = []
    for item in pieces:
        if isinstance(item, str):
            expected.append(item)
        else:
            value = context.get(item.name) or ""
            expected.append(value if value.strip() else (item.fallback or "").strip())
    assert template.render(context) == "".join(expected)


@fast
@given(st.text())
def test_any_context_value_appears_verbatim_in_a_rendered_body(value: str) -> None:
    template = parse_template("Dear {{contact_name|friend}}, re {{ title }}.")

    rendered = template.render({"title": value, "contact_name": value})

    if value.strip():
        assert rendered == f"Dear {value}, re {value}."
    else:
        assert rendered == "Dear friend, re ."


@fast
@given(st.text(), st.text(max_size=50).filter(lambda t: "{" not in t and "}" not in t))
def test_a_rendered_header_never_contains_cr_or_lf(value: str, fallback: str) -> None:
    subject = parse_template(
        "Re: {{title}} / {{ company |" + fallback.replace("|", "") + "}}"
    )

    rendered = render_header(subject, {"title": value})

    assert "\r" not in rendered
    assert "\n" not in rendered
    assert not any(ch in rendered for ch in "\x00\x85\u2028\u2029")
    assert len(rendered) <= HEADER_MAX_CHARS


@fast
@given(no_markers)
def test_plain_text_renders_to_itself(text: str) -> None:
    template = parse_template(text)

    assert isinstance(template, CompiledTemplate)
    assert template.render(SAMPLE_CONTEXT) == text


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="{}|% #", min_size=1, max_size=2000))
def test_brace_soup_is_handled_in_bounded_time(text: str) -> None:
    started = time.perf_counter()
    validate_template(text)
    assert time.perf_counter() - started < 0.5
