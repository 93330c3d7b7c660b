"""Fixtures for the parser tests: the real Craigslist pages in `<repo>/../shared`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED_PAGES = Path(
    os.environ.get("CRAIGLEADS_SAMPLE_PAGES", REPO.parent / "shared" / "craigslist")
)


@pytest.fixture(scope="session")
def pages_dir() -> Path:
    """The folder of saved Craigslist pages; the test is skipped when it is absent."""
    if not SHARED_PAGES.is_dir():
        pytest.skip(f"sample Craigslist pages not found at {SHARED_PAGES}")
    return SHARED_PAGES


@pytest.fixture(scope="session")
def page(pages_dir: Path) -> Callable[[str], bytes]:
    """Read one saved page as bytes, exactly as it would come off the wire."""

    def _read(name: str) -> bytes:
        path = pages_dir / name
        if not path.is_file():
            pytest.skip(f"sample page {name} not found in {pages_dir}")
        return path.read_bytes()

    return _read
