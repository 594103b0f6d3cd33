"""A postcode's département: the one most of its communes are in, the first met among equals."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from fundcheck import reference
from fundcheck.reference import REFERENCE_DIR_ENV, load_postcode_departement, packaged_path


@pytest.fixture
def fresh_load() -> Iterator[None]:
    load_postcode_departement.cache_clear()
    yield
    load_postcode_departement.cache_clear()


def test_the_most_frequent_departement_wins_and_the_first_breaks_ties(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_load: None
) -> None:
    (tmp_path / "laposte_postcodes.csv").write_text(
        "insee_commune,postcode\n"  # columns found by name, in any order
        "01053,01000\n"
        "39001,01590\n39002,01590\n01360,01590\n"  # two Jura communes, one Ain: Jura
        "97101,97100\n"  # overseas: three digits
        "2A004,20000\n2B033,20000\n",  # one each: the first
        encoding="utf-8",
    )
    monkeypatch.setenv(REFERENCE_DIR_ENV, str(tmp_path))
    assert dict(load_postcode_departement()) == {
        "01000": "01",
        "01590": "39",
        "97100": "971",
        "20000": "2A",
    }


def test_the_packaged_list_gives_what_a_count_of_its_lines_gives(
    monkeypatch: pytest.MonkeyPatch, fresh_load: None
) -> None:
    monkeypatch.delenv(REFERENCE_DIR_ENV, raising=False)
    votes: dict[str, Counter[str]] = {}
    with packaged_path("laposte_postcodes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            commune = row["insee_commune"]
            votes.setdefault(row["postcode"], Counter())[
                reference._departement_of_commune(commune)
            ] += 1
    expected = {postcode: counts.most_common(1)[0][0] for postcode, counts in votes.items()}
    assert dict(load_postcode_departement()) == expected
    assert len(expected) > 6_000
