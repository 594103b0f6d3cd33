"""A list of operations in a SQL database (a table or a query), read like a file, read-only.

The source is a SQLAlchemy URL (``postgresql+psycopg://user@host/db``, ``mysql+pymysql://...``,
``mariadb+pymysql://...``, ``sqlite:///path.db``) with a table (``schema.table``) or a SELECT
query. fundcheck never writes to it: the connection runs a read-only transaction (PostgreSQL,
MySQL/MariaDB) or ``PRAGMA query_only`` (SQLite), creates no temporary object and rolls back.
The column names are the headers, matched to the canonical fields by the same mapping profiles
as a file's; row N of a finding is the N-th row of the result counting the header as row 1 (a
table is read in the order of its primary key when it has one). The URL is shown and stored with
its password masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from fundcheck.connectors import parts
from fundcheck.connectors.header_rows import HeaderRow
from fundcheck.connectors.limits import DEFAULT_LIMITS, InputLimits
from fundcheck.errors import ConfigError, SourceError
from fundcheck.model import Provenance

if TYPE_CHECKING:  # SQLAlchemy is imported when a database is read (0.1 s at start-up otherwise)
    import sqlalchemy as sa
    from sqlalchemy.engine import Connection

DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite")
_SCHEME = re.compile(r"^([a-z]+)(\+[a-z0-9_]+)?://", re.IGNORECASE)
_SELECT = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


def is_database_url(text: str) -> bool:
    """Whether a source argument is a database URL fundcheck reads (by its dialect)."""
    found = _SCHEME.match(text)
    return found is not None and found.group(1).lower() in DIALECTS


def shown_url(url: str) -> str:
    """The URL as reports and messages show it: the password masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


@dataclass(frozen=True)
class SqlSource:
    """What to read: a database URL and a table (``schema.table``) or a SELECT query."""

    url: str
    table: str | None = None
    query: str | None = None

    def __post_init__(self) -> None:
        if (self.table is None) == (self.query is None):
            raise ConfigError(
                "a database source needs --table or --query (one of them)",
                location=shown_url(self.url),
            )
        if self.query is not None and (
            not _SELECT.match(self.query) or ";" in self.query.strip().rstrip(";")
        ):
            raise ConfigError("--query takes one SELECT statement", location=shown_url(self.url))

    @property
    def name(self) -> str:
        return self.table or "query"

    @property
    def dialect(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).get_backend_name()


@contextmanager
def read_only(url: str) -> Iterator[Connection]:
    """A connection in a read-only transaction, rolled back at the end; the engine is disposed
    (no connection left open in the source). Every statement sees the same snapshot of the
    data (PostgreSQL: repeatable read; MySQL/MariaDB's InnoDB: its default), so the reads of a
    run in parts agree with each other."""
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
    from sqlalchemy.pool import NullPool

    location = shown_url(url)
    try:
        engine = sa.create_engine(url, poolclass=NullPool)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise SourceError(f"cannot use this database URL: {exc}", location=location) from None
    try:
        with engine.connect() as connection:
            backend = engine.dialect.name
            if backend == "postgresql":  # one snapshot for every statement of the run
                connection.exec_driver_sql(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
                # a table without a primary key is read in its stored order from its first
                # row, not from where another scan of it stands (the row numbers of a run
                # would move from run to run)
                connection.exec_driver_sql("SET LOCAL synchronize_seqscans TO off")
            elif backend in ("mysql", "mariadb"):
                connection.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")
            elif backend == "sqlite":
                connection.exec_driver_sql("PRAGMA query_only = ON")
            try:
                yield connection
            finally:
                connection.rollback()
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourceError(f"database error: {first}", location=location) from None
    finally:
        engine.dispose()


def _statement(
    connection: Connection, source: SqlSource, max_rows: int | None = None
) -> sa.Executable:
    import sqlalchemy as sa

    if source.query is not None:
        if max_rows is not None:
            query = source.query.strip().rstrip(";")
            return sa.text(f"SELECT * FROM ({query}) AS fundcheck_query LIMIT {int(max_rows)}")
        return sa.text(source.query)
    assert source.table is not None
    schema, _, name = source.table.rpartition(".")
    try:
        table = sa.Table(name, sa.MetaData(), schema=schema or None, autoload_with=connection)
    except sa.exc.NoSuchTableError:
        raise SourceError(
            f"no table {source.table!r} in this database", location=shown_url(source.url)
        ) from None
    key = list(table.primary_key.columns)
    statement = sa.select(table).order_by(*key) if key else sa.select(table)
    return statement if max_rows is None else statement.limit(max_rows)


ROWS_AT_ONCE = 50_000
"""Rows fetched from the database at a time (a server-side cursor where the driver has one)."""


def text_parts(
    connection: Connection, statement: sa.Executable, rows_per_part: int
) -> Iterator[pd.DataFrame]:
    """The result of ``statement`` as text cells (columns numbered), ``rows_per_part`` rows at a
    time; always at least one part (empty when the result is). Rows are fetched
    ``ROWS_AT_ONCE`` at a time (``parts.text_parts``)."""
    streaming = connection.execution_options(stream_results=True, yield_per=ROWS_AT_ONCE)
    result = streaming.execute(statement)
    width = len(result.keys())
    batch = min(ROWS_AT_ONCE, rows_per_part)
    return parts.text_parts(iter(lambda: result.fetchmany(batch), []), width, rows_per_part)


def column_names(connection: Connection, source: SqlSource) -> list[str]:
    """The names of the columns of the table or query (no row read)."""
    result = connection.execute(_statement(connection, source, max_rows=0))
    keys = result.keys()
    result.close()
    names = [str(name) for name in keys]
    return names


def statement(
    connection: Connection, source: SqlSource, columns: list[str] | None = None
) -> sa.Executable:
    """The SELECT of the table (in primary-key order) or query: every column, or only
    ``columns`` (by name, in that order)."""
    import sqlalchemy as sa

    whole = _statement(connection, source)
    if columns is None:
        return whole
    if isinstance(whole, sa.Select):
        picked = whole.selected_columns
        return whole.with_only_columns(*[picked[name] for name in columns])
    assert source.query is not None
    query = source.query.strip().rstrip(";")
    inner = sa.text(query).columns(*[sa.column(name) for name in columns]).subquery("q")
    return sa.select(*[inner.c[name] for name in columns])


def read_table(
    source: SqlSource, limits: InputLimits = DEFAULT_LIMITS, max_rows: int | None = None
) -> tuple[list[str], pd.DataFrame]:
    """The column names and the rows (as text cells, columns numbered) of the table or query
    (its first ``max_rows`` rows only, when given); a result beyond ``limits.max_sheet_cells``
    is refused."""
    with read_only(source.url) as connection:
        headers = column_names(connection, source)
        most = limits.max_sheet_cells // max(len(headers), 1) + 1
        rows = most if max_rows is None else min(max_rows, most)
        body = next(text_parts(connection, _statement(connection, source, rows), rows))
    if len(body) * len(headers) > limits.max_sheet_cells:
        raise SourceError(
            f"more than {limits.max_sheet_cells:,} cells, the limit (limits.max_sheet_cells)",
            location=shown_url(source.url),
        )
    return headers, body


def located_table(
    source: SqlSource,
    mapping: Path | None,
    limits: InputLimits = DEFAULT_LIMITS,
    max_rows: int | None = None,
) -> tuple[Any, Provenance]:
    """The table as a located table (header on row 1) and its provenance."""
    from fundcheck.connectors.file_connector import LocatedTable

    headers, body = read_table(source, limits, max_rows)
    header, provenance = mapped_header(source, headers, mapping)
    return LocatedTable(body, 2, header), provenance


def mapped_header(
    source: SqlSource, headers: list[str], mapping: Path | None
) -> tuple[HeaderRow, Provenance]:
    """The column names matched to the canonical fields (``mapping`` or the best profile), and
    the source's provenance (URL with the password masked)."""
    return parts.mapped_columns(
        headers,
        mapping,
        name=source.name,
        location=shown_url(source.url) + (f" [{source.table}]" if source.table else ""),
        format=source.dialect,
    )


class DatabaseParts:
    """A table or query read a part at a time on one read-only connection (a ``PartReader``)."""

    def __init__(self, source: SqlSource, connection: Connection, mapping: Path | None) -> None:
        self.source, self.connection, self.mapping = source, connection, mapping
        self.headers = column_names(connection, source)

    def mapped(self) -> tuple[HeaderRow, Provenance]:
        return mapped_header(self.source, self.headers, self.mapping)

    def parts(self, columns: list[str] | None, rows_per_part: int) -> Iterator[pd.DataFrame]:
        return text_parts(
            self.connection, statement(self.connection, self.source, columns), rows_per_part
        )


@contextmanager
def database_parts(source: SqlSource, mapping: Path | None = None) -> Iterator[DatabaseParts]:
    """The source as a ``PartReader``, in one read-only transaction (one snapshot)."""
    with read_only(source.url) as connection:
        yield DatabaseParts(source, connection, mapping)
