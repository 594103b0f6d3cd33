"""A database table validated a part at a time gives the findings of its file read whole: the
demo (2,000 operations) loaded as text into the real PostgreSQL and read in parts of 150 rows,
against the same cells as a CSV file; conventions decided over a whole column hold in every
part."""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from fundcheck.catalogue import suites_for
from fundcheck.checks.frames import hash_long_texts
from fundcheck.config import RunConfig
from fundcheck.connectors import read_source
from fundcheck.connectors.limits import InputLimits
from fundcheck.connectors.sql_source import SqlSource, database_parts
from fundcheck.demo import generate_demo, write_csv
from fundcheck.demo.writers import _as_text
from fundcheck.expectations import in_parts
from fundcheck.expectations.engine import WHOLE_SET_TYPES, PlannedExpectation
from fundcheck.expectations.in_parts import _codes, _sharing_rows
from fundcheck.model import ROW, Normalisation
from fundcheck.parts_run import NOT_KEPT, PartsRun, merged_notes, validate_in_parts
from fundcheck.pipeline import run
from fundcheck.reference import load_reference
from fundcheck.stored_columns import column, whole_frame
from tests.conftest import cli_report, findings_but_name

POSTGRES_URL = os.environ.get(
    "FUNDCHECK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _report(*args: str, tmp: Path) -> dict:
    code, report, output = cli_report(*args, "--jobs", "1", tmp=tmp, as_of="2026-03-16")
    assert code == 0, output
    return report


def _config(tmp: Path, rows_per_part: int, rows_in_memory: int | None = None) -> str:
    path = tmp / f"parts-{rows_per_part}-{rows_in_memory}.toml"
    text = f"[limits]\nrows_per_part = {rows_per_part}\n"
    if rows_in_memory is not None:
        text += f"rows_in_memory = {rows_in_memory}\n"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def demo_cells() -> pd.DataFrame:
    frame = generate_demo().frame
    return pd.DataFrame({str(name): _as_text(frame[name]) for name in frame.columns})


@pytest.fixture(scope="module")
def demo_in_postgres(demo_cells: pd.DataFrame, server_engine) -> Iterator[str]:
    engine = server_engine(POSTGRES_URL, "PostgreSQL")
    schema = f"fundcheck_parts_{uuid.uuid4().hex[:10]}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    table = demo_cells.rename_axis("position")  # the primary key keeps the file's order
    table.to_sql("demo", engine, schema=schema, index=True, chunksize=5_000)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'ALTER TABLE "{schema}".demo ADD PRIMARY KEY (position)')
    try:
        yield schema
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


@pytest.mark.parametrize(
    ("checks", "rows_in_memory"),
    [("--checks", None), ("--checks", 500), ("--no-checks", None)],
    ids=["checks", "checks-columns-on-disk", "no-checks"],
)
def test_the_demo_in_postgresql_read_in_parts_gives_the_report_of_its_file(
    demo_cells, demo_in_postgres, tmp_path, checks, rows_in_memory
):
    """With the aggregate checks every column but the long texts is kept for them (past 500
    rows, on disk: the checks read them back); without, only what findings name: either way
    the report is the file's."""
    csv = write_csv(tmp_path / "demo.csv", demo_cells)
    from_file = _report("validate", str(csv), checks, tmp=tmp_path)
    from_db = _report(
        "validate", POSTGRES_URL, "--table", f"{demo_in_postgres}.demo", checks,
        "--config", _config(tmp_path, 150, rows_in_memory), tmp=tmp_path,
    )  # fmt: skip
    assert from_db["sources"][0]["rows"] == from_file["sources"][0]["rows"] == 2_000
    assert from_db["summary"] == from_file["summary"]
    assert len(from_db["findings"]) == len(from_file["findings"]) > 20
    if rows_in_memory is None:
        assert findings_but_name(from_db) == findings_but_name(from_file)
    else:  # the checks ran a shard at a time: a rule's findings in the order of their rows
        assert _sorted(findings_but_name(from_db)) == _sorted(findings_but_name(from_file))


def _sorted(findings: list[dict]) -> list[str]:
    return sorted(json.dumps(finding, sort_keys=True) for finding in findings)


def test_a_column_decides_its_convention_over_every_part(tmp_path):
    """In parts of two rows, the first part alone would read "1.500" as one and a half (its
    "2.5" shows a decimal point) and keep 0.5 and 60 as they are (half its rates above 1): the
    column as a whole shows a decimal comma and is in percent, in every part as in one read."""
    amounts = ["1.500", "2.5", "2.000,50", "3.000,25", "4,75", "1,25"]
    rates = ["0,5", "60", "70", "80", "90", "0,4"]
    url = _table(
        tmp_path, {"Total des dépenses éligibles": amounts, "Taux de cofinancement": rates}
    )
    whole = _report("validate", url, "--table", "liste", tmp=tmp_path)
    parts = _report(
        "validate", url, "--table", "liste", "--config", _config(tmp_path, 2), tmp=tmp_path
    )
    assert findings_but_name(parts) == findings_but_name(whole)
    notes = {f["rule"]: f for f in whole["findings"] if f["rule"].startswith("read.normalised")}
    assert notes["read.normalised.amount_text"]["count"] == 5  # all but the plain "2.5"
    assert notes["read.normalised.rate_percent"]["count"] == 6
    out_of_range = [f for f in parts["findings"] if f["rule"] == "eu.rate.range"]
    assert not out_of_range  # 60 % read as 60 would break the range rule


MARIADB_URL = os.environ.get(
    "FUNDCHECK_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"
)


@pytest.fixture
def demo_in_mariadb(
    demo_cells: pd.DataFrame, server_engine
) -> Iterator[tuple[sa.Engine, str, str]]:
    """The demo in a database of its own on the real MariaDB, and a user who may only read it."""
    engine = server_engine(MARIADB_URL, "MariaDB")
    database = f"fc_parts_{uuid.uuid4().hex[:10]}"
    reader = f"fc_r_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {database} CHARACTER SET utf8mb4")
    table = demo_cells.rename_axis("position")
    table.to_sql("demo", engine, schema=database, index=True, chunksize=5_000)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"ALTER TABLE {database}.demo ADD PRIMARY KEY (position)")
        conn.exec_driver_sql(
            f"CREATE USER '{reader}'@'%%' IDENTIFIED BY 'r3ad-only'"
        )  # pymysql: %% is %
        conn.exec_driver_sql(f"GRANT SELECT ON {database}.demo TO '{reader}'@'%%'")
    try:
        yield engine, database, reader
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP DATABASE {database}")
            conn.exec_driver_sql(f"DROP USER '{reader}'@'%%'")
        engine.dispose()


def _state(engine: sa.Engine, database: str) -> tuple:
    """What a run could change: the database's tables and columns, the demo's rows and their
    checksum."""
    with engine.connect() as conn:
        columns = conn.exec_driver_sql(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            f"WHERE table_schema = '{database}' ORDER BY 1, 2"
        ).all()
        rows = conn.exec_driver_sql(f"SELECT count(*) FROM {database}.demo").scalar()
        checksum = conn.exec_driver_sql(f"CHECKSUM TABLE {database}.demo").all()
    return tuple(columns), rows, tuple(checksum)


def test_the_demo_in_mariadb_read_in_parts_by_a_reader_gives_the_report_of_its_file(
    demo_cells, demo_in_mariadb, tmp_path
):
    engine, database, reader = demo_in_mariadb
    before = _state(engine, database)
    csv = write_csv(tmp_path / "demo.csv", demo_cells)
    from_file = _report("validate", str(csv), tmp=tmp_path)
    url = f"mysql+pymysql://{reader}:r3ad-only@127.0.0.1:3306/{database}?charset=utf8mb4"
    from_db = _report(
        "validate", url, "--table", "demo", "--config", _config(tmp_path, 500), tmp=tmp_path
    )
    assert from_db["summary"] == from_file["summary"]
    assert findings_but_name(from_db) == findings_but_name(from_file)
    assert from_db["sources"][0]["location"].startswith(f"mysql+pymysql://{reader}:***@")
    assert "r3ad-only" not in json.dumps(from_db)
    assert _state(engine, database) == before


def _table(tmp: Path, changes: dict[str, list[str | None]]) -> str:
    """A SQLite copy of the demo's first rows with some columns replaced."""
    rows = len(next(iter(changes.values())))
    cells = generate_demo().frame.head(rows)
    cells = pd.DataFrame({str(n): _as_text(cells[n]) for n in cells.columns})
    for name, values in changes.items():
        cells[name] = values
    database = tmp / f"{uuid.uuid4().hex[:6]}.db"
    with sqlite3.connect(database) as conn:
        cells.to_sql("liste", conn, index=False)
    return f"sqlite:///{database}"


def test_an_empty_column_a_late_column_and_a_repeated_code_across_parts(tmp_path):
    """In parts of two rows: the summary, empty in every row, is one finding about the column;
    the fund, empty in the first two parts only, is one finding per row of those parts; an
    operation code of the first part repeated in the last is found, as in one read."""
    ids = generate_demo().frame["Numéro Opération"].head(6).astype(str).tolist()
    url = _table(
        tmp_path,
        {
            "Objectifs et réalisations escomptés et effectifs": [None] * 6,
            "Fonds": [None, None, None, None, "FEDER", "FEDER"],
            "Numéro Opération": ids[:5] + ids[:1],
        },
    )
    whole = _report("validate", url, "--table", "liste", tmp=tmp_path)
    parts = _report(
        "validate", url, "--table", "liste", "--config", _config(tmp_path, 2), tmp=tmp_path
    )
    assert findings_but_name(parts) == findings_but_name(whole)
    mandatory = [f for f in parts["findings"] if f["rule"] == "eu21.art49.mandatory_field"]
    assert [(f["field"], f["row"]) for f in mandatory if f["field"] == "operation_summary"] == [
        ("operation_summary", None)
    ]
    assert [f["row"] for f in mandatory if f["field"] == "fund"] == [2, 3, 4, 5]
    repeated = [f for f in parts["findings"] if f["rule"] == "eu21.art49.unique_operation_id"]
    assert [f["row"] for f in repeated] == [7]  # the repeat, not the first use


def _file_and_parts(
    demo_cells: pd.DataFrame, tmp: Path, limits: InputLimits
) -> tuple[pd.DataFrame, PartsRun]:
    """The demo's canonical frame read from its CSV file (long texts as hashes), and the demo
    read from SQLite in parts."""
    csv = write_csv(tmp / "demo.csv", demo_cells)
    database = tmp / "demo.db"
    with sqlite3.connect(database) as conn:
        demo_cells.to_sql("liste", conn, index=False)
    reference = load_reference()
    from_file = read_source(csv, reference).frame
    assert from_file[list(NOT_KEPT)].notna().any().all()  # texts to hash
    hash_long_texts(from_file)
    with database_parts(SqlSource(f"sqlite:///{database}", table="liste")) as reader:
        return from_file, validate_in_parts(reader, reference, limits=limits)


def test_the_records_kept_from_the_parts_are_the_files_records(demo_cells, tmp_path):
    """Column by column (dtype, categories, index, values), what is kept of every row of a
    table read in parts of 300 rows is the file's canonical frame, the long texts as hashes."""
    from_file, run = _file_and_parts(demo_cells, tmp_path, InputLimits(rows_per_part=300))
    in_parts = run.record_set.frame
    pd.testing.assert_frame_equal(in_parts, from_file)
    assert isinstance(in_parts["specific_objective_label"].dtype, pd.CategoricalDtype)


def test_past_rows_in_memory_the_kept_columns_are_on_disk_and_read_back_the_same(
    demo_cells, tmp_path
):
    """Past 700 rows (parts of 300), every kept column but the row numbers goes to disk: the
    frame in memory holds the row numbers only, the columns read back are the file's canonical
    frame column for column (dtypes and categories included), a subset of rows reads the same
    rows, and the temporary directory goes with the record set."""
    limits = InputLimits(rows_per_part=300, rows_in_memory=700)
    from_file, run = _file_and_parts(demo_cells, tmp_path, limits)
    record_set = run.record_set
    assert list(record_set.frame.columns) == [ROW]
    assert record_set.stored is not None
    directory = record_set.stored.directory
    assert len(list(directory.iterdir())) == 7 * (len(from_file.columns) - 1)  # 7 parts
    pd.testing.assert_frame_equal(whole_frame(record_set)[list(from_file.columns)], from_file)
    some = replace(record_set, frame=record_set.frame.iloc[[5, 900, 1999]])
    assert column(some, "beneficiary_name").tolist() == (
        from_file["beneficiary_name"].iloc[[5, 900, 1999]].tolist()
    )
    labels = column(replace(record_set, frame=record_set.frame.iloc[[5]]), "programme_title")
    assert list(labels.cat.categories) == list(from_file["programme_title"].cat.categories)
    assert len(labels.cat.categories) > 1  # a part of one row keeps the whole column's
    del run, record_set, some
    gc.collect()
    assert not directory.exists()


def test_records_of_no_region_in_parts_without_checks(tmp_path):
    """Without the checks the region is kept as a category; records with no evidence of a
    region still count in the national bucket, as in one read."""
    blank: list[str | None] = [None, None, None, None, None, None]
    demo = generate_demo().frame.head(6)
    url = _table(
        tmp_path,
        {
            "Code postal de l’opération": blank,
            "Département de l’opération": blank,
            "Région de l'opération": blank,
            "Code postal du bénéficiaire": blank,
            "NUMCCI": [None, None, *demo["NUMCCI"].astype(str).iloc[2:]],
            "Libellé Programme": blank,
        },
    )
    args = ["validate", url, "--table", "liste", "--no-checks"]
    whole = _report(*args, tmp=tmp_path)
    parts = _report(*args, "--config", _config(tmp_path, 2), tmp=tmp_path)
    assert parts["summary"] == whole["summary"]
    assert findings_but_name(parts) == findings_but_name(whole)
    assert whole["summary"]["by_region"]["national"]["records"] == 2


def test_the_notes_of_parts_add_up_and_keep_the_first_example():
    first = [
        Normalisation("header_variant", "fund", "Fonds", 1, "Fonds"),
        Normalisation("amount_text", "eu_amount", "UE", 3, "1 000 €"),
    ]
    second = [
        Normalisation("header_variant", "fund", "Fonds", 1, "Fonds"),
        Normalisation("amount_text", "eu_amount", "UE", 2, "5 €"),
        Normalisation("placeholder", "fund", "Fonds", 1, "N.C"),
    ]
    assert merged_notes([first, second]) == [
        Normalisation("header_variant", "fund", "Fonds", 1, "Fonds"),
        Normalisation("amount_text", "eu_amount", "UE", 5, "1 000 €"),
        Normalisation("placeholder", "fund", "Fonds", 1, "N.C"),
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["A1", "A2", "b", "", "é"])), max_size=30))
def test_the_codes_compared_at_the_end_are_equal_exactly_for_equal_values(values):
    """The repeated-code rule compares integer codes: equal codes for equal values, -1 for a
    missing one, whether the column is text, categories or objects."""
    for dtype in ("str", "category", object):
        codes = _codes(pd.Series(values, dtype=dtype))
        for i, a in enumerate(values):
            assert (codes[i] == -1) == (a is None)
            for j, b in enumerate(values):
                if a is not None and b is not None:
                    assert (codes[i] == codes[j]) == (a == b)


def test_only_rows_sharing_a_value_go_to_the_repeat_rule():
    """The repeat rule at the end sees the rows whose code another row has, in order; a
    column with no code at all gives none."""
    item = _repeat_rule_item()
    frame = pd.DataFrame(
        {"operation_id": pd.Series(["A", "B", None, "A", "C", "B", None], dtype="str")}
    )
    assert _sharing_rows(frame, item).tolist() == [0, 1, 3, 5]
    empty = pd.DataFrame({"operation_id": pd.Series([None, None], dtype="str")})
    assert _sharing_rows(empty, item).tolist() == []


def _repeat_rule_item() -> PlannedExpectation:
    return next(
        PlannedExpectation(key, spec)
        for suite in suites_for("2021-2027", "operations")
        for key, spec in enumerate(suite.expectations)
        if spec.type in WHOLE_SET_TYPES
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["A1", "A2", "b", "", "é"])), max_size=30))
def test_the_rows_sharing_a_value_are_those_whose_value_another_row_has(values):
    """Texts narrowed by their hashes, a few at a time, then counted exactly: the rows whose
    value another row has, in order, whatever the dtype."""
    expected = [
        i for i, a in enumerate(values) if a is not None and sum(b == a for b in values) > 1
    ]
    for dtype in ("str", "category", object):
        frame = pd.DataFrame({"operation_id": pd.Series(values, dtype=dtype)})
        assert _sharing_rows(frame, _repeat_rule_item()).tolist() == expected


def test_texts_whose_hashes_collide_are_not_taken_for_repeats(monkeypatch):
    """A hash shared by different texts only makes them candidates: with every text hashed
    alike, sliced two at a time, only the rows whose text repeats are reported."""
    monkeypatch.setattr(in_parts, "HASHED_AT_ONCE", 2)
    monkeypatch.setattr(
        pd.util, "hash_array", lambda values, **_: np.zeros(len(values), dtype=np.uint64)
    )
    frame = pd.DataFrame(
        {"operation_id": pd.Series(["A", "B", None, "A", "C", "D", "E"], dtype="str")}
    )
    assert _sharing_rows(frame, _repeat_rule_item()).tolist() == [0, 3]


def test_records_and_programmes_per_region_of_parts_without_checks(demo_cells, tmp_path):
    """Without the checks, regions and programmes are kept as categories: the records and
    programmes counted per region (the liaison report's tables) are still the file's."""
    csv = write_csv(tmp_path / "demo.csv", demo_cells)
    database = tmp_path / "demo.db"
    with sqlite3.connect(database) as conn:
        demo_cells.to_sql("liste", conn, index=False)
    table = SqlSource(f"sqlite:///{database}", table="liste")
    limits = InputLimits(rows_per_part=300)
    from_file = run(RunConfig(sources=[csv], checks=False, jobs=1))
    in_parts = run(RunConfig(sources=[table], checks=False, jobs=1, limits=limits))
    assert in_parts.records_by_region == from_file.records_by_region
    assert in_parts.programmes_by_region == from_file.programmes_by_region
    assert sum(in_parts.records_by_region.values()) == 2_000


def test_rows_alike_but_for_their_description_are_not_identical_in_parts(tmp_path):
    """The parts keep the long texts as hashes: a row copied whole is an identical row, a row
    copied with another description is not, as in the file."""
    summary = "Objectifs et réalisations escomptés et effectifs"
    cells = generate_demo().frame.head(200)
    cells = pd.concat(
        [cells, cells.iloc[[0]], cells.iloc[[1]].assign(**{summary: "Une autre description"})],
        ignore_index=True,
    )
    csv = write_csv(tmp_path / "liste.csv", cells)
    database = tmp_path / "liste.db"
    with sqlite3.connect(database) as conn:
        pd.DataFrame({str(n): _as_text(cells[n]) for n in cells.columns}).to_sql(
            "liste", conn, index=False
        )
    in_file = _report("validate", str(csv), tmp=tmp_path)
    in_parts = _report(
        "validate", f"sqlite:///{database}", "--table", "liste",
        "--config", _config(tmp_path, 50), tmp=tmp_path,
    )  # fmt: skip
    assert findings_but_name(in_parts) == findings_but_name(in_file)
    identical = {
        f["row"] for f in in_parts["findings"] if f["rule"] == "eu.duplicates.identical_row"
    }
    assert 202 in identical  # the row copied whole (header on row 1)
    assert 203 not in identical  # the row copied with another description
