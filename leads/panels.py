"""The dashboard's panel registry.

`leads` may not import the apps above it (responses, learning, scraping,
qualification), yet the dashboard shows their figures. So each of those apps
registers its own panels in an `<app>/panels.py` module, and the dashboard finds
them with `autodiscover_modules("panels")`, the way Django admin finds
`admin.py`. A provider takes the user and returns its template's context, or
None when the user may not see the panel (the panel is then left out).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.context_processors import PermWrapper
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString

from craigleads import events

Provider = Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    """One registered panel: where it sits (`order`, lowest first), how it draws
    (`template`) and what it draws (`provider`)."""

    name: str
    order: int
    template: str
    provider: Provider


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    html: SafeString


_registry: dict[str, Panel] = {}


def register(name: str, *, order: int, template: str) -> Callable[[Provider], Provider]:
    """Decorator: register `fn(user) -> dict | None` as the panel `name`.

    Registering the same name again replaces the earlier panel only when it is
    the same function (a module imported twice); two different providers under
    one name are a programming error, reported at import time.
    """
    if not name or not template:
        raise ValueError("A panel needs a name and a template.")

    def decorator(provider: Provider) -> Provider:
        existing = _registry.get(name)
        if existing is not None and _qualname(existing.provider) != _qualname(provider):
            raise ValueError(
                f"Panel {name!r} is already registered by "
                f"{_qualname(existing.provider)}; choose another name."
            )
        _registry[name] = Panel(name, order, template, provider)
        return provider

    return decorator


def _qualname(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


@functools.cache
def discover() -> None:
    """Import every installed app's `panels` module, once per process."""
    autodiscover_modules("panels")


def registered() -> list[Panel]:
    discover()
    return sorted(_registry.values(), key=lambda p: (p.order, p.name))


def render_panels(user: Any) -> list[RenderedPanel]:
    """Every panel the user may see, in order, as HTML. Each provider checks
    the user's permissions itself and returns None to stay hidden.

    Panels are read-only fragments rendered with their own context plus `user`
    and `perms`, without the request's context processors: those would run once
    per panel, and a panel has no form to need a CSRF token.
    """
    shared = {"user": user, "perms": PermWrapper(user)}
    rendered = []
    for panel in registered():

        def render(panel: Panel = panel) -> str | None:
            context = panel.provider(user)
            if context is None:
                return None
            return render_to_string(panel.template, {**shared, **context})

        html = cached(f"panel:{panel.name}", user, render)
        if html is not None:
            rendered.append(RenderedPanel(panel.name, SafeString(html)))
    return rendered


# After the data changes, cached figures may stay this many seconds old.
STALE_AFTER_CHANGE = 3.0


def role_key(user: Any) -> str:
    """Users with the same roles see the same dashboard (the team shares one lead
    pool), so figures are cached per set of roles, not per user."""
    groups = sorted(user.groups.values_list("name", flat=True))
    return ("su:" if user.is_superuser else "") + ",".join(groups)


def cached(name: str, user: Any, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept for DASHBOARD_CACHE_SECONDS per role set: aggregates over
    every lead cost tens of milliseconds each at 100,000 leads, and every open
    dashboard asks for them. 0 turns the cache off."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return compute()
    key = f"dashboard:{name}:{role_key(user)}"
    found = cache.get_many([key, events.CHANGED_AT_KEY])
    kept = found.get(key)
    now = time.time()
    if isinstance(kept, tuple) and len(kept) == 2:
        computed_at, value = kept
        changed_at = float(found.get(events.CHANGED_AT_KEY) or 0.0)
        # Kept until the data changes (every console event notes that), then
        # for a few seconds more, so a busy scrape does not recompute per lead.
        if changed_at <= computed_at or now - computed_at < STALE_AFTER_CHANGE:
            return value
    value = compute()
    cache.set(key, (now, value), seconds)
    return value
