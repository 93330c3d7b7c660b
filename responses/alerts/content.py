"""What alerts say: a lead summarised without contact details, as Slack JSON
and as the digest's text and HTML (escaped)."""

from __future__ import annotations

import re
from typing import Any, TypedDict

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from leads.models import Lead

TOP_REASONS = 3


_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_RE = re.compile(
    r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?!\d)"
)


def redact(text: str, lead: Lead) -> str:
    """`text` without the lead's contact details or anything shaped like an
    e-mail address or a phone number."""
    for value in (lead.contact_email, lead.contact_phone, lead.contact_name):
        value = (value or "").strip()
        if len(value) >= 3:
            # Whole words only: a poster named "Sam" leaves "Samsung" alone.
            pattern = rf"(?<!\w){re.escape(value)}(?!\w)"
            text = re.sub(pattern, "[contact removed]", text, flags=re.I)
    text = _EMAIL_RE.sub("[e-mail removed]", text)
    return _PHONE_RE.sub("[phone removed]", text)


class LeadSummary(TypedDict):
    """A lead as alerts show it: no contact details."""

    title: str
    grade: str
    score: str
    reasons: list[str]
    where: str
    compensation: str
    url: str


def lead_url(lead_id: int) -> str:
    path = reverse("leads:detail", kwargs={"lead_id": lead_id})
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def settings_url() -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{reverse('responses:alerts')}"


def summarise(lead: Lead) -> LeadSummary:
    reasons = [str(r) for r in (lead.qualification_reasons or [])][:TOP_REASONS]
    where = " / ".join(
        part
        for part in (
            lead.site.name if lead.site else "",
            lead.category.name if lead.category else "",
        )
        if part
    )
    return {
        "title": redact(lead.title or "(untitled posting)", lead)[:200],
        "grade": lead.qualification_grade or "?",
        "score": f"{lead.qualification_score or 0:.2f}",
        "reasons": [redact(r, lead)[:300] for r in reasons],
        "where": where,
        "compensation": redact(lead.compensation, lead)[:120],
        "url": lead_url(lead.pk),
    }


def _mrkdwn(text: str) -> str:
    """Escape text for Slack: `<!channel>` in a posting must not ping anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_payload(summary: LeadSummary) -> dict[str, Any]:
    """Slack-compatible JSON: `text` for notifications and plain receivers,
    `blocks` for Slack's layout."""
    title = summary["title"]
    headline = f"Grade {summary['grade']} lead (score {summary['score']}): {title}"
    details = [f"*Grade {summary['grade']}* · score {summary['score']}"]
    if summary["where"]:
        details.append(_mrkdwn(summary["where"]))
    if summary["compensation"]:
        details.append(_mrkdwn(summary["compensation"]))
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": headline[:150], "emoji": False},
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*<{summary['url']}|{_mrkdwn(title)}>*\n"
                + " · ".join(details),
            },
        },
    ]
    if summary["reasons"]:
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "\n".join(f"• {_mrkdwn(r)}" for r in summary["reasons"]),
                },
            }
        )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Open in craigleads"},
                    "url": summary["url"],
                }
            ],
        }
    )
    return {"text": f"{_mrkdwn(headline)} {summary['url']}", "blocks": blocks}


def sample_webhook_payload() -> dict[str, Any]:
    text = (
        "craigleads test alert: this webhook works. Leads that qualify at your "
        "chosen grade will be posted here."
    )
    return {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": f"<{settings_url()}|settings>"}
                ],
            },
        ],
    }


def digest_text(
    summaries: list[LeadSummary], more: bool, more_url: str, why: str
) -> str:
    lines: list[str] = []
    if not summaries:
        lines.append("No leads at this grade yet; this is what a digest looks like.")
    for s in summaries:
        lines.append(f"[{s['grade']}] {s['title']} (score {s['score']})")
        for extra in (s["where"], s["compensation"]):
            if extra:
                lines.append(f"    {extra}")
        lines.extend(f"    - {reason}" for reason in s["reasons"])
        lines.append(f"    {s['url']}")
        lines.append("")
    if more:
        lines.append(f"More in the console: {more_url}")
    lines += ["--", why]
    return "\n".join(lines)


def digest_html(
    summaries: list[LeadSummary], more: bool, more_url: str, why: str
) -> str:
    items = format_html_join(
        "\n",
        '<li><p><strong>[{}]</strong> <a href="{}">{}</a> (score {})<br>{}</p>'
        "<ul>{}</ul></li>",
        (
            (
                s["grade"],
                s["url"],
                s["title"],
                s["score"],
                " · ".join(x for x in (s["where"], s["compensation"]) if x),
                format_html_join("", "<li>{}</li>", ((r,) for r in s["reasons"])),
            )
            for s in summaries
        ),
    )
    empty = (
        format_html("<p>{}</p>", "No leads at this grade yet.") if not summaries else ""
    )
    more_html = (
        format_html('<p><a href="{}">More in the console</a></p>', more_url)
        if more
        else ""
    )
    return format_html(
        "<!doctype html><html><body><ol>{}</ol>{}{}<hr><p>{}</p></body></html>",
        items,
        empty,
        more_html,
        why,
    )
