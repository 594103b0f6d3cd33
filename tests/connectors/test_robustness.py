"""Property-based tests: whatever bytes a file holds, the reader returns a record set or raises a
FundcheckError with a message (the CLI's exit code 3), never another exception."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundcheck.cli import cli
from fundcheck.connectors import read_operations
from fundcheck.errors import FundcheckError
from fundcheck.model import RecordSet

DATA = Path(__file__).resolve().parents[1] / "data"
DANISH = (DATA / "realfiles" / "ERDF_Denmark_2014-2020.original.csv").read_bytes()
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read(tmp_path: Path, content: bytes, name: str = "liste.csv") -> RecordSet | FundcheckError:
    path = tmp_path / name
    path.write_bytes(content)
    try:
        return read_operations(path)
    except FundcheckError as error:
        assert error.describe().strip()
        assert str(path.name) in error.describe() or error.location
        return error


@SETTINGS
@given(content=st.binary(min_size=0, max_size=2_000))
def test_random_bytes(tmp_path: Path, content: bytes) -> None:
    _read(tmp_path, content)


@SETTINGS
@given(content=st.binary(min_size=1, max_size=600))
def test_random_bytes_behind_a_workbook_or_parquet_signature(
    tmp_path: Path, content: bytes
) -> None:
    for magic, name in ((b"PK\x03\x04", "l.xlsx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "l.xls"),
                        (b"PAR1", "l.parquet")):  # fmt: skip
        _read(tmp_path, magic + content, name)


@SETTINGS
@given(cut=st.integers(min_value=1, max_value=len(DANISH) - 1))
def test_truncated_real_file(tmp_path: Path, cut: int) -> None:
    result = _read(tmp_path, DANISH[:cut])
    if isinstance(result, RecordSet):
        assert len(result.frame) <= 107


@SETTINGS
@given(encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "cp1253"]))
def test_same_text_in_any_encoding(tmp_path: Path, encoding: str) -> None:
    text = DANISH.decode("cp1252")
    try:
        content = text.encode(encoding)
    except UnicodeEncodeError:
        content = text.encode(encoding, errors="replace")
    result = _read(tmp_path, content)
    assert isinstance(result, RecordSet)
    assert len(result.frame) == 107
    if encoding != "cp1253":
        assert result.frame["operation_name"].iloc[0] == "Vækst 2.0"


_cells = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=20
)


@SETTINGS
@given(rows=st.lists(st.lists(_cells, min_size=23, max_size=23), min_size=1, max_size=8))
def test_random_cells_under_a_known_header(tmp_path: Path, headers, rows) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([headers, *rows])
    result = _read(tmp_path, buffer.getvalue().encode("utf-8"))
    if isinstance(result, RecordSet):
        assert len(result.frame) <= len(rows)
        assert result.provenance.profile == "fr_national_2021_2027"


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary", b"PK\x03\x04broken zip", b"a;b;c\n1;2;3\n"],
    ids=["empty", "binary", "broken xlsx", "unknown header"],
)
def test_cli_exit_code_3_with_a_clear_message(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "liste.csv"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["validate", str(path), "--quiet"])
    assert result.exit_code == 3
    assert "error:" in result.output and "internal error" not in result.output
    assert "Traceback" not in result.output
