"""Outbound HTTP for alert webhooks, to public addresses only.

The URL's host is resolved and every address checked when the settings are saved
(`check_webhook_url`), and again when the connection is opened, to the address
that was checked, so a DNS answer that changes in between cannot point the
server at its own network. ALERT_WEBHOOK_ALLOW_PRIVATE lifts the rule (tests,
demos). Redirects are never followed.
"""

from __future__ import annotations

import functools
import json
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx
from django.conf import settings

from scraping.clients import is_public_address

from .errors import (
    HostUnresolvable,
    TransientWebhookError,
    WebhookFailed,
    WebhookRefused,
)

_BODY_SNIPPET = 200


def _addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise HostUnresolvable(f"The host {host} cannot be resolved ({exc}).") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def checked_address(host: str, port: int) -> str:
    """The address to connect to for (host, port), refusing private ones.

    Every address the name resolves to must be public (an attacker-controlled
    name can return one public and one internal address).
    """
    if settings.ALERT_WEBHOOK_ALLOW_PRIVATE:
        return host
    addresses = _addresses(host, port)
    if not addresses:
        raise HostUnresolvable(f"The host {host} has no addresses.")
    for address in addresses:
        if not is_public_address(address):
            raise WebhookRefused(
                f"The host {host} resolves to {address}, a private, loopback or "
                "link-local address; webhooks may only reach public addresses."
            )
    return addresses[0]


def check_webhook_url(url: str, *, resolve: bool = True) -> None:
    """Raise WebhookRefused, naming the problem, unless `url` may receive alerts.

    http(s) only, a host, no user:password@, and (unless private addresses are
    allowed, or `resolve` is off) a host whose every address is public.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise WebhookRefused(f"This is not a valid URL ({exc}).") from None
    if parsed.scheme not in {"http", "https"}:
        raise WebhookRefused("The webhook URL must start with https:// or http://.")
    if not parsed.host:
        raise WebhookRefused("The webhook URL has no host name.")
    if parsed.userinfo:
        raise WebhookRefused(
            "Put no user name or password in the URL (user:password@host); "
            "webhook services carry their secret in the path."
        )
    if resolve:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        checked_address(parsed.host, port)


class _PublicOnlyBackend(httpcore.SyncBackend):
    """Opens connections only to addresses `checked_address` allows."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            address = checked_address(host, port)
        except HostUnresolvable as exc:
            # A DNS hiccup at send time is worth a retry, unlike a bad address.
            raise httpcore.ConnectError(str(exc)) from None
        # TLS still checks the certificate against the URL's name: httpcore
        # takes server_hostname from the request, not from `address`.
        return super().connect_tcp(
            address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise WebhookRefused("Webhooks never use unix sockets.")


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context(trust_env=False)


class _PublicOnlyTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        # httpx takes no network backend, so build the pool it would have built
        # (public httpcore API) with ours, as scraping's GuardedTransport does.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=1,
            http1=True,
            http2=False,
            network_backend=_PublicOnlyBackend(),
        )


@dataclass(frozen=True, slots=True)
class WebhookResult:
    status: int


def post_webhook(url: str, payload: dict[str, Any]) -> WebhookResult:
    """POST `payload` as JSON to `url`; redirects are not followed.

    Raises WebhookRefused (URL or address not allowed), TransientWebhookError
    (5xx, 429, timeouts, connection or DNS failures) or WebhookFailed (any other
    non-2xx). The address is checked as the connection opens.
    """
    check_webhook_url(url, resolve=False)
    body = json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "craigleads-alerts/1",
    }
    try:
        with (
            httpx.Client(
                transport=_PublicOnlyTransport(),
                timeout=settings.ALERT_WEBHOOK_TIMEOUT,
                follow_redirects=False,
                trust_env=False,
            ) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            snippet = _read_snippet(response)
    except httpx.TimeoutException:
        raise TransientWebhookError(
            f"No answer within {settings.ALERT_WEBHOOK_TIMEOUT:g} s (timeout)."
        ) from None
    except httpx.TransportError as exc:
        raise TransientWebhookError(
            f"Connection failed: {exc or type(exc).__name__}"
        ) from None
    status = response.status_code
    if 200 <= status < 300:
        return WebhookResult(status=status)
    words = f"{status} {response.reason_phrase}".strip()
    if snippet:
        words += f": {snippet}"
    if 300 <= status < 400:
        where = response.headers.get("location", "")[:200]
        raise WebhookFailed(
            f"{words} (redirect to {where} not followed; use the final URL)",
            status=status,
        )
    if status == 429 or status >= 500:
        raise TransientWebhookError(words, status=status)
    raise WebhookFailed(words, status=status)


def _read_snippet(response: httpx.Response) -> str:
    """The start of the body, for the error message; never the whole of it."""
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= _BODY_SNIPPET:
            break
    text = data[:_BODY_SNIPPET].decode(errors="replace")
    return " ".join(text.split())
