"""What can go wrong with an alert; each message is written for the user."""

from __future__ import annotations


class AlertError(Exception):
    """Something about alerts the user should read (shown as the page's message)."""


class WebhookRefused(AlertError):
    """The webhook URL is not allowed (scheme, host or address); nothing was sent."""


class HostUnresolvable(WebhookRefused):
    """DNS gave no answer for the webhook's host: wrong when saving the URL,
    possibly temporary when sending."""


class WebhookFailed(AlertError):
    """The receiver answered with a permanent refusal (4xx, a redirect)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientWebhookError(WebhookFailed):
    """5xx, 429, a timeout or a broken connection: worth trying again later."""
