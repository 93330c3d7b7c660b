"""Per-user alerts: a Slack-compatible webhook for leads that qualify well, and an
e-mail digest of what qualified since the last one.

What leaves the building is deliberately small: title, grade, score, the top
reasons and a link into the console. Contact details (name, e-mail, phone) are
never part of a payload, and the lead's own contact values are scrubbed from the
text that is sent, since postings often repeat them in the title.

`services` holds the writes (settings, queuing, sending, digests), `client` the
outbound HTTP that reaches public addresses only, `content` what is said, and
`errors` what can go wrong. Import from here; the submodules are an
implementation detail.
"""

from .client import WebhookResult, check_webhook_url, checked_address, post_webhook
from .content import LeadSummary, redact, summarise, webhook_payload
from .errors import AlertError, TransientWebhookError, WebhookFailed, WebhookRefused
from .services import (
    DIGEST_MAX_LEADS,
    WEBHOOK_MAX_ATTEMPTS,
    deliver_webhook_alert,
    digest_leads,
    due_digests,
    queue_webhook_alerts,
    recent_deliveries,
    recover_webhook_alerts,
    save_alert_settings,
    send_digest,
    send_test_digest,
    send_test_webhook,
    settings_for,
)

__all__ = [
    "DIGEST_MAX_LEADS",
    "WEBHOOK_MAX_ATTEMPTS",
    "AlertError",
    "LeadSummary",
    "TransientWebhookError",
    "WebhookFailed",
    "WebhookRefused",
    "WebhookResult",
    "check_webhook_url",
    "checked_address",
    "deliver_webhook_alert",
    "digest_leads",
    "due_digests",
    "post_webhook",
    "queue_webhook_alerts",
    "recent_deliveries",
    "recover_webhook_alerts",
    "redact",
    "save_alert_settings",
    "send_digest",
    "send_test_digest",
    "send_test_webhook",
    "settings_for",
    "summarise",
    "webhook_payload",
]
