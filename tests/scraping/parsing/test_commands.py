"""`manage.py parse_posting` and `parse_search`: the JSON lines of CONTRACTS.md.

These need configured Django settings (pytest-django does that from pyproject);
they are skipped when the parser tests run without Django.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest

from scraping.parsing import POSTING_CONTRACT_KEYS

django_conf = pytest.importorskip("django.conf")
if not django_conf.settings.configured:
    pytest.skip("Django settings are not configured", allow_module_level=True)

from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402


def _lines(buffer: StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_parse_posting_prints_one_json_object_per_file_with_contract_keys(
    pages_dir: Path,
) -> None:
    files = [
        str(pages_dir / "posting_lab_sfbay_www_2026.html"),
        str(pages_dir / "posting_expired_2011.html"),
    ]
    out = StringIO()
    call_command("parse_posting", *files, stdout=out)
    lines = _lines(out)
    assert [list(line) for line in lines] == [list(POSTING_CONTRACT_KEYS)] * 2
    job, expired = lines
    assert job["file"] == files[0]
    assert (job["status"], job["post_id"], job["category"]) == (
        "active",
        "7964964651",
        "lab",
    )
    assert job["employment_type"] == ["full-time"]
    assert (expired["status"], expired["post_id"]) == ("expired", "1968731193")


def test_parse_posting_takes_the_salary_from_the_body_when_compensation_is_vague(
    pages_dir: Path,
) -> None:
    # The compensation field says "Commensuruate with experience."; the body says
    # "$52,000 to $66,800 a year".
    out = StringIO()
    call_command(
        "parse_posting", str(pages_dir / "posting_lab_sfbay_www_2026.html"), stdout=out
    )
    (line,) = _lines(out)
    assert line["compensation"] == "Commensuruate with experience."
    assert (line["salary_min_annual"], line["salary_max_annual"]) == (52000, 66800)


def test_parse_posting_reports_unreadable_files_and_carries_on(
    pages_dir: Path, tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing.html")
    good = str(pages_dir / "posting_expired_2011.html")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("parse_posting", missing, good, stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert missing in err.getvalue()
    assert [line["file"] for line in _lines(out)] == [good]


def test_parse_posting_on_garbage_prints_unparseable(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 10)
    out = StringIO()
    call_command("parse_posting", str(junk), stdout=out)
    (line,) = _lines(out)
    assert line["status"] == "unparseable"
    assert line["errors"]


def test_parse_search_prints_main_results_and_next_page(pages_dir: Path) -> None:
    files = [
        str(pages_dir / "search_sof_sfbay_2019.html"),
        str(pages_dir / "search_sof_newyork_2010.html"),
        str(pages_dir / "rss_ccc_sfbay_2011.xml"),
    ]
    out = StringIO()
    call_command("parse_search", *files, stdout=out)
    sfbay, newyork, feed = _lines(out)
    assert list(sfbay) == ["file", "results", "next_page"]
    assert len(sfbay["results"]) == 75  # type: ignore[arg-type]
    assert list(sfbay["results"][0]) == [  # type: ignore[index]
        "post_id",
        "title",
        "url",
        "price",
        "hood",
        "posted_at",
    ]
    assert newyork["next_page"] == "http://newyork.craigslist.org/sof/index100.html"
    assert len(feed["results"]) == 2  # type: ignore[arg-type]


def test_parse_search_reports_unreadable_files(tmp_path: Path) -> None:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("parse_search", str(tmp_path), stdout=StringIO(), stderr=err)
    assert str(tmp_path) in err.getvalue()
