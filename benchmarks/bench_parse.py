"""Benchmark the posting parser against BeautifulSoup + lxml on the saved pages.

    python benchmarks/bench_parse.py [--repeat 50] [--pages DIR]

Three ways to read each posting page:

* `parse_posting`: the real parser (selectolax/Lexbor), every field of the contract;
* `lexbor-min`: selectolax extracting only the core fields below;
* `bs4-min`: BeautifulSoup with the lxml tree builder extracting the same core
  fields (title, post id, price, attributes, body text).

Prints the median and 95th-percentile milliseconds per page and the ratios.
Timings are machine-dependent; nothing is asserted.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bs4 import BeautifulSoup  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from scraping.parsing import decode_document, parse_posting  # noqa: E402

POST_ID = re.compile(r"post(?:ing)?\s*id\s*:?\s*(\d{5,12})", re.I)


def bs4_core(raw: bytes) -> dict[str, Any]:
    """Core fields with BeautifulSoup(lxml), the usual way scrapers write it."""
    soup = BeautifulSoup(raw, "lxml")
    title = soup.select_one("#titletextonly") or soup.find("h2")
    price = soup.select_one(".postingtitletext .price")
    info = " ".join(
        p.get_text(" ") for p in soup.select(".postinginfo, .postingidtext")
    )
    match = POST_ID.search(info) or POST_ID.search(soup.get_text(" "))
    attributes = [
        node.get_text(" ", strip=True)
        for node in soup.select("p.attrgroup > span, div.attrgroup > .attr")
    ]
    body = soup.select_one("#postingbody, #userbody")
    return {
        "title": title.get_text(strip=True) if title else None,
        "post_id": match.group(1) if match else None,
        "price": price.get_text(strip=True) if price else None,
        "attributes": attributes,
        "body": body.get_text("\n", strip=True) if body else None,
    }


def lexbor_core(raw: bytes) -> dict[str, Any]:
    """The same core fields with selectolax/Lexbor."""
    tree = LexborHTMLParser(decode_document(raw))
    title = tree.css_first("#titletextonly") or tree.css_first("h2")
    price = tree.css_first(".postingtitletext .price")
    info = " ".join(
        p.text(separator=" ") for p in tree.css(".postinginfo, .postingidtext")
    )
    body_text = tree.body.text(separator=" ") if tree.body is not None else ""
    match = POST_ID.search(info) or POST_ID.search(body_text)
    attributes = [
        node.text(separator=" ", strip=True)
        for node in tree.css("p.attrgroup > span, div.attrgroup > .attr")
    ]
    body = tree.css_first("#postingbody, #userbody")
    return {
        "title": title.text(strip=True) if title else None,
        "post_id": match.group(1) if match else None,
        "price": price.text(strip=True) if price else None,
        "attributes": attributes,
        "body": body.text(separator="\n", strip=True) if body else None,
    }


def time_ms(
    function: Callable[[bytes], object], raw: bytes, repeat: int
) -> list[float]:
    """Run `function(raw)` `repeat` times (after one warm-up); milliseconds each."""
    function(raw)
    samples: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(raw)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    """The 95th percentile."""
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="runs per page (50)")
    parser.add_argument(
        "--pages",
        type=Path,
        default=REPO.parent / "shared" / "craigslist",
        help="folder of saved pages (default: <repo>/../shared/craigslist)",
    )
    args = parser.parse_args()
    pages = sorted(args.pages.glob("posting_*.html"))
    if not pages:
        print(f"no posting_*.html pages in {args.pages}", file=sys.stderr)
        return 1
    repeat = max(args.repeat, 2)
    contenders: dict[str, Callable[[bytes], object]] = {
        "parse_posting": parse_posting,
        "lexbor-min": lexbor_core,
        "bs4-min": bs4_core,
    }
    header = (
        f"{'page':<38} {'KB':>5} "
        + " ".join(f"{name + ' med':>17} {'p95':>6}" for name in contenders)
        + f" {'bs4/parse':>9} {'bs4/lexbor':>10}"
    )
    print(f"{repeat} runs per page, milliseconds per page")
    print(header)
    print("-" * len(header))
    totals: dict[str, list[float]] = {name: [] for name in contenders}
    for path in pages:
        raw = path.read_bytes()
        row: dict[str, list[float]] = {
            name: time_ms(function, raw, repeat)
            for name, function in contenders.items()
        }
        for name, samples in row.items():
            totals[name].extend(samples)
        medians = {name: statistics.median(samples) for name, samples in row.items()}
        cells = " ".join(
            f"{medians[name]:>17.2f} {p95(samples):>6.2f}"
            for name, samples in row.items()
        )
        print(
            f"{path.name:<38} {len(raw) / 1024:>5.1f} {cells} "
            f"{medians['bs4-min'] / medians['parse_posting']:>9.1f}x "
            f"{medians['bs4-min'] / medians['lexbor-min']:>9.1f}x"
        )
    print("-" * len(header))
    medians = {name: statistics.median(samples) for name, samples in totals.items()}
    cells = " ".join(
        f"{medians[name]:>17.2f} {p95(samples):>6.2f}"
        for name, samples in totals.items()
    )
    print(
        f"{'all pages':<38} {'':>5} {cells} "
        f"{medians['bs4-min'] / medians['parse_posting']:>9.1f}x "
        f"{medians['bs4-min'] / medians['lexbor-min']:>9.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
