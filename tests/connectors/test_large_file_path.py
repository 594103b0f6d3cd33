"""The pyarrow fast path for large CSV files reads exactly what the exact reader reads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundcheck.connectors import read_operations, text_files
from fundcheck.demo import generate_operations, write_csv


@pytest.fixture
def national_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "liste.csv", generate_operations(300, seed=7))


def _read_both(path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(text_files, "FAST_PATH_BYTES", 0)
    fast = read_operations(path)
    monkeypatch.setattr(text_files, "FAST_PATH_BYTES", 10**15)
    exact = read_operations(path)
    return fast, exact


def test_fast_path_gives_the_same_record_set(national_csv, monkeypatch):
    fast, exact = _read_both(national_csv, monkeypatch)
    pd.testing.assert_frame_equal(fast.frame, exact.frame)
    assert fast.normalisations == exact.normalisations
    assert fast.frame["_row"].tolist() == list(range(2, 302))


def test_blank_lines_and_multiline_cells_keep_true_row_numbers(national_csv, monkeypatch):
    lines = national_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(5, "\n")  # a blank line: pyarrow would drop it, so the exact reader takes over
    national_csv.write_text("".join(lines), encoding="utf-8")
    fast, exact = _read_both(national_csv, monkeypatch)
    pd.testing.assert_frame_equal(fast.frame, exact.frame)
    assert 6 not in fast.frame["_row"].tolist()
    assert fast.frame["_row"].iloc[-1] == 302


def test_utf8_bom_is_not_part_of_the_first_header(national_csv, monkeypatch):
    national_csv.write_bytes(b"\xef\xbb\xbf" + national_csv.read_bytes())
    fast, exact = _read_both(national_csv, monkeypatch)
    assert "operation_id" in fast.frame
    pd.testing.assert_frame_equal(fast.frame, exact.frame)


def test_headers_without_accents_still_read_as_the_national_format(national_csv):
    text = national_csv.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    plain = header.upper().translate(str.maketrans("ÉÈÊÀÂÎÔÙÛÇ’", "EEEAAIOUUC'"))
    national_csv.write_text(plain + "\n" + rest, encoding="utf-8")
    record_set = read_operations(national_csv)
    assert record_set.provenance.profile == "fr_national_2021_2027"
    assert len(record_set.column_labels) == 23
    variants = [n for n in record_set.normalisations if n.kind == "header_variant"]
    assert len(variants) == 22  # every header but "NUMCCI", already upper-case
