"""Validation of criterion configs: each type accepts exactly its documented keys
with values of the right kind, and says which key is wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class CriteriaConfigError(ValueError):
    """A criterion config that does not fit its type; the message names the key."""


def _number(minimum: float = 0, maximum: float = 1e9) -> Callable[[str, Any], float]:
    def check(key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CriteriaConfigError(f"{key} must be a number")
        if not minimum <= value <= maximum:
            raise CriteriaConfigError(
                f"{key} must be between {minimum:g} and {maximum:g}"
            )
        return float(value)

    return check


def _optional_number(
    minimum: float = 0, maximum: float = 1e9
) -> Callable[[str, Any], Any]:
    inner = _number(minimum, maximum)
    return lambda key, value: None if value is None else inner(key, value)


def _words(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CriteriaConfigError(f"{key} must be a list of words")
    words = [v.strip() for v in value if v.strip()]
    if len(words) > 200 or any(len(w) > 100 for w in words):
        raise CriteriaConfigError(
            f"{key} is too long (200 entries of 100 characters at most)"
        )
    return words


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise CriteriaConfigError(f"{key} must be true or false")
    return value


def _synonyms(key: str, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise CriteriaConfigError(f"{key} must map a word to a list of words")
    return {
        str(term).strip(): _words(f"{key}.{term}", words)
        for term, words in value.items()
    }


def _home(key: str, value: Any) -> dict[str, float] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"latitude", "longitude"}:
        raise CriteriaConfigError(f"{key} must be null or {{latitude, longitude}}")
    return {
        "latitude": _number(-90, 90)(f"{key}.latitude", value["latitude"]),
        "longitude": _number(-180, 180)(f"{key}.longitude", value["longitude"]),
    }


def _choice(*options: str | None) -> Callable[[str, Any], Any]:
    def check(key: str, value: Any) -> Any:
        if value not in options:
            shown = ", ".join("null" if o is None else o for o in options)
            raise CriteriaConfigError(f"{key} must be one of {shown}")
        return value

    return check


SCHEMAS: dict[str, dict[str, Callable[[str, Any], Any]]] = {
    "salary": {"min_annual": _optional_number(), "max_annual": _optional_number()},
    "keywords": {"required": _words, "nice_to_have": _words, "synonyms": _synonyms},
    "location": {
        "prefer_remote": _boolean,
        "home": _home,
        "max_commute_km": _number(0, 20000),
    },
    "experience": {
        "seniority": _words,
        "max_years_required": _optional_number(0, 60),
        "skills": _words,
    },
    "company": {
        "avoid_recruiters": _boolean,
        "prefer_nonprofit": _boolean,
        "preferred_size": _choice("small", "large", None),
        "industries": _words,
    },
    "pay_floor": {"min_annual": _number()},
    "remote_required": {},
    "categories": {"allowed": _words},
    "blocked_words": {"words": _words},
    "blocked_posters": {"emails": _words, "companies": _words},
    "max_age": {"days": _number(1, 3650)},
}


def validate_config(kind: str, config: Any) -> dict[str, Any]:
    """Return the cleaned config for a criterion type, or raise naming the problem."""
    if kind not in SCHEMAS:
        raise CriteriaConfigError(f"unknown criterion type {kind!r}")
    if not isinstance(config, dict):
        raise CriteriaConfigError("config must be an object")
    schema = SCHEMAS[kind]
    unknown = sorted(set(config) - set(schema))
    if unknown:
        raise CriteriaConfigError(
            f"{kind} does not take {', '.join(unknown)} (it takes: "
            f"{', '.join(schema) or 'nothing'})"
        )
    return {key: schema[key](key, value) for key, value in config.items()}
