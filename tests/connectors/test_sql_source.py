"""A list of operations read from the real PostgreSQL and from SQLite: the same findings as the
file it was loaded from, read-only (a SELECT-only role; catalogue, row counts and bytes
unchanged), the password never shown."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from fundcheck.cli import cli
from fundcheck.connectors import parts as parts_module
from fundcheck.connectors import sql_source
from fundcheck.connectors.limits import InputLimits
from fundcheck.connectors.sql_source import SqlSource, is_database_url, shown_url
from fundcheck.errors import ConfigError, SourceError
from tests.conftest import NAME_RULES, cli_report

POSTGRES_URL = os.environ.get(
    "FUNDCHECK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
EXTRACT = (
    Path(__file__).parents[1]
    / "data"
    / "realfiles"
    / "20260316_liste_operations_extrait_9_regions.xlsx"
)


def _extract() -> pd.DataFrame:
    return pd.read_excel(EXTRACT, dtype=str, engine="calamine")


def _keys(report: dict) -> list[tuple]:
    return sorted(
        (f["rule"], f["severity"], f["operation_id"] or "", f["field"] or "", str(f["value"]))
        for f in report["findings"]
        if f["rule"] not in NAME_RULES
    )


@pytest.fixture
def postgres(server_engine) -> Iterator[tuple[sa.Engine, str, str]]:
    engine = server_engine(POSTGRES_URL, "PostgreSQL")
    schema = f"fundcheck_src_{uuid.uuid4().hex[:10]}"
    reader = f"fc_reader_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    frame = _extract()
    frame.index.name = "position"  # the primary key keeps the file's order
    frame.to_sql("liste", engine, schema=schema, index=True)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'ALTER TABLE "{schema}".liste ADD PRIMARY KEY (position)')
        conn.exec_driver_sql(f'CREATE ROLE "{reader}" LOGIN')
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{reader}"')
        conn.exec_driver_sql(f'GRANT SELECT ON "{schema}".liste TO "{reader}"')
    try:
        yield engine, schema, reader
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            conn.exec_driver_sql(f'DROP ROLE "{reader}"')
        engine.dispose()


def _catalogue(engine: sa.Engine, schema: str) -> tuple:
    """What a run could change: the schema's relations, their columns and row counts, and the
    temporary tables of the database."""
    with engine.connect() as conn:
        relations = conn.exec_driver_sql(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %(s)s ORDER BY 1, 2",
            {"s": schema},
        ).all()
        rows = conn.exec_driver_sql(f'SELECT count(*) FROM "{schema}".liste').scalar()
        temporary = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_class WHERE relpersistence = 't'"
        ).scalar()
    return tuple(relations), rows, temporary


def test_a_postgresql_table_gives_the_findings_of_its_file_read_only(postgres, tmp_path):
    engine, schema, reader = postgres
    before = _catalogue(engine, schema)
    url = f"postgresql+psycopg://{reader}:s3cr3t-pw@127.0.0.1:5432/test"  # trust: any password
    code, from_db, output = cli_report("validate", url, "--table", f"{schema}.liste", tmp=tmp_path)
    assert code == 0, output
    _, from_file, _ = cli_report("validate", str(EXTRACT), tmp=tmp_path)
    assert _keys(from_db) == _keys(from_file)
    assert from_db["summary"]["by_region"].keys() == from_file["summary"]["by_region"].keys()
    source = from_db["sources"][0]
    assert source["location"].startswith(f"postgresql+psycopg://{reader}:***@")
    assert source["format"] == "postgresql" and source["rows"] == 180
    assert "s3cr3t-pw" not in json.dumps(from_db) and "s3cr3t-pw" not in output
    assert _catalogue(engine, schema) == before


def test_a_query_is_read_and_writing_statements_are_refused(postgres, tmp_path):
    engine, schema, reader = postgres
    url = f"postgresql+psycopg://{reader}@127.0.0.1:5432/test"
    query = f'SELECT * FROM "{schema}".liste WHERE "Région de l\'opération" LIKE \'53%%\''
    code, report, output = cli_report("validate", url, "--query", query, tmp=tmp_path)
    assert code == 0, output
    assert report["sources"][0]["rows"] == 20  # Bretagne's 20 operations
    for bad in (f'DELETE FROM "{schema}".liste', f'SELECT 1; DROP TABLE "{schema}".liste'):
        refused = CliRunner().invoke(cli, ["validate", url, "--query", bad])
        assert refused.exit_code == 3 and "one SELECT statement" in refused.output
    # a writing CTE passes the SELECT check, even as the owner: the database refuses it (the
    # rows are streamed through a server-side cursor, which may hold no writing statement, in a
    # read-only transaction)
    owner = POSTGRES_URL
    sneaky = f'WITH gone AS (DELETE FROM "{schema}".liste RETURNING *) SELECT * FROM gone'
    refused = CliRunner().invoke(cli, ["validate", owner, "--query", sneaky])
    assert refused.exit_code == 3 and "database error" in refused.output
    assert "data-modifying" in refused.output or "read-only transaction" in refused.output
    with engine.connect() as conn:
        assert conn.exec_driver_sql(f'SELECT count(*) FROM "{schema}".liste').scalar() == 180


def test_a_postgresql_table_is_read_from_its_first_row_whatever_other_scans_do(postgres):
    """Without a primary key a table is read in its stored order: a scan of a large table
    would otherwise start where another scan of it stands (synchronised scans), and the row
    numbers of the findings would move from run to run."""
    with sql_source.read_only(POSTGRES_URL) as connection:
        setting = connection.exec_driver_sql("SHOW synchronize_seqscans").scalar()
        read_only = connection.exec_driver_sql("SHOW transaction_read_only").scalar()
    assert (setting, read_only) == ("off", "on")


def test_a_missing_table_or_an_unreachable_server_is_exit_3_with_the_url_masked(postgres):
    _, schema, reader = postgres
    url = f"postgresql+psycopg://{reader}:pw@127.0.0.1:5432/test"
    missing = CliRunner().invoke(cli, ["validate", url, "--table", f"{schema}.absente"])
    assert missing.exit_code == 3 and "no table" in missing.output
    down = CliRunner().invoke(
        cli, ["validate", "postgresql+psycopg://u:pw@127.0.0.1:1/test", "--table", "t"]
    )
    assert down.exit_code == 3 and "database error" in down.output and ":pw@" not in down.output
    assert "Traceback" not in missing.output + down.output


def test_sqlite_is_read_without_changing_a_byte(tmp_path):
    database = tmp_path / "listes.db"
    with sqlite3.connect(database) as conn:
        _extract().to_sql("liste", conn, index=False)
    digest = hashlib.sha256(database.read_bytes()).hexdigest()
    code, report, output = cli_report(
        "validate", f"sqlite:///{database}", "--table", "liste", tmp=tmp_path
    )
    assert code == 0, output
    assert report["sources"][0]["rows"] == 180 and report["summary"]["findings"]["error"] == 10
    assert hashlib.sha256(database.read_bytes()).hexdigest() == digest
    assert not list(tmp_path.glob("listes.db-*"))  # no journal or WAL file left


def test_database_source_arguments():
    assert is_database_url("postgresql+psycopg://u@h/db") and is_database_url("sqlite:///x.db")
    assert not is_database_url("datagouv:abc") and not is_database_url("liste.csv")
    assert shown_url("postgresql://u:secret@h:5432/db") == "postgresql://u:***@h:5432/db"
    with pytest.raises(ConfigError, match="--table or --query"):
        SqlSource("sqlite:///x.db")
    with pytest.raises(ConfigError, match="one SELECT"):
        SqlSource("sqlite:///x.db", query="UPDATE t SET a = 1")
    no_url = CliRunner().invoke(cli, ["validate", str(EXTRACT), "--table", "t"])
    assert no_url.exit_code == 2 and "go with a database URL" in no_url.output


def test_inspect_explains_how_a_table_and_a_query_are_read(postgres):
    _, schema, reader = postgres
    url = f"postgresql+psycopg://{reader}:pw@127.0.0.1:5432/test"
    shown = CliRunner().invoke(cli, ["inspect", url, "--table", f"{schema}.liste", "--json"])
    assert shown.exit_code == 0, shown.output
    inspection = json.loads(shown.output)
    assert inspection["profile"] == "fr_national_2021_2027" and inspection["mappable"]
    assert inspection["path"].startswith(f"postgresql+psycopg://{reader}:***@")
    fields = {column["header"]: column["field"] for column in inspection["columns"]}
    assert fields["NUMCCI"] == "programme_cci" and fields["position"] is None
    query = f'SELECT "NUMCCI" FROM "{schema}".liste'
    partial = CliRunner().invoke(cli, ["inspect", url, "--query", query])
    assert partial.exit_code == 3 and "not mappable" in partial.output


def test_rows_fetched_in_batches_or_parts_are_the_rows_of_one_fetch_and_a_limit_stops_early(
    tmp_path, monkeypatch
):
    database = tmp_path / "listes.db"
    extract = _extract()
    with sqlite3.connect(database) as conn:
        extract.to_sql("liste", conn, index=False)
    source = SqlSource(f"sqlite:///{database}", table="liste")
    headers, whole = sql_source.read_table(source)
    monkeypatch.setattr(sql_source, "ROWS_AT_ONCE", 7)  # 180 rows: 26 batches
    batched_headers, batched = sql_source.read_table(source)
    assert batched_headers == headers == list(extract.columns)
    pd.testing.assert_frame_equal(batched, whole)
    assert batched.shape == extract.shape and isinstance(batched[0].dtype, pd.StringDtype)
    assert batched.iloc[:, 0].tolist() == extract.iloc[:, 0].tolist()
    fetched: list[int] = []
    original = parts_module.cell_text

    def counted(value: object) -> str | None:
        fetched.append(1)
        return original(value)

    monkeypatch.setattr(parts_module, "cell_text", counted)
    small = InputLimits(max_sheet_cells=10 * len(headers))  # 10 rows
    with pytest.raises(SourceError, match=r"limits\.max_sheet_cells"):
        sql_source.read_table(source, small)
    assert 0 < len(fetched) <= 11 * len(headers)  # stopped at the first row beyond the limit
    with sql_source.read_only(source.url) as connection:
        query = sql_source.statement(connection, source)
        parts = list(sql_source.text_parts(connection, query, 50))  # 180 rows: 50+50+50+30
        picked = sql_source.statement(connection, source, [headers[3], headers[0]])
        two_columns = next(sql_source.text_parts(connection, picked, 1_000))
    assert [len(part) for part in parts] == [50, 50, 50, 30]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)
    assert two_columns[0].tolist() == whole[3].tolist()
    assert two_columns[1].tolist() == whole[0].tolist()


def test_a_postgresql_run_reads_one_snapshot_read_only(postgres):
    """The two reads of a run in parts see the same data: the transaction is repeatable read
    (one snapshot for every statement) and read-only."""
    with sql_source.read_only(POSTGRES_URL) as connection:
        isolation = connection.exec_driver_sql("SHOW transaction_isolation").scalar()
        read_only = connection.exec_driver_sql("SHOW transaction_read_only").scalar()
    assert (isolation, read_only) == ("repeatable read", "on")
