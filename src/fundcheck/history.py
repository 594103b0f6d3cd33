"""Run history: every validation run stored in a database, to follow findings from run to run.

A run is stored with its sources (and their SHA-256), the suite versions, the counts of findings
per rule, region and severity, the records and findings per region, and every finding. The
database is a SQLite file by default (any path) or any SQLAlchemy URL (``postgresql+psycopg://``).
A run is written in one transaction: if any insert fails, nothing of that run remains. Findings are
inserted in bulk (one executemany per chunk), so 100,000 findings take seconds.

Tables carry a prefix (``fundcheck_`` by default) and may live in a schema, so that several
histories, or test runs, can share one database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from fundcheck.errors import ConfigError, FundcheckError
from fundcheck.findings import FINDING_COLUMNS, findings_frame, json_text
from fundcheck.model import NATIONAL_BUCKET, RunResult, Severity, StoredRun

SCHEMA_VERSION = 1
_CHUNK = 10_000  # findings sent per executemany
_SEVERITIES = tuple(severity.value for severity in Severity)
_JSON_COLUMNS = ("value", "expected")


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL: ``target`` itself when it is a URL, else a SQLite file at that path."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


class HistoryTables:
    """The table definitions, with a name prefix and an optional schema."""

    def __init__(self, prefix: str = "fundcheck_", schema: str | None = None) -> None:
        self.metadata = sa.MetaData(schema=schema)
        runs_name = f"{prefix}runs"
        run_id = f"{runs_name}.id" if schema is None else f"{schema}.{runs_name}.id"

        def run_fk() -> sa.Column[int]:
            return sa.Column(
                "run_id", sa.ForeignKey(run_id, ondelete="CASCADE"), nullable=False, index=True
            )

        self.runs = sa.Table(
            runs_name,
            self.metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("generated_at", sa.String(40), nullable=False),
            sa.Column("stored_at", sa.String(40), nullable=False),
            sa.Column("fundcheck_version", sa.String(40), nullable=False),
            sa.Column("schema_version", sa.Integer, nullable=False),
            sa.Column("records", sa.Integer, nullable=False),
            sa.Column("error", sa.Integer, nullable=False),
            sa.Column("warning", sa.Integer, nullable=False),
            sa.Column("info", sa.Integer, nullable=False),
        )
        self.sources = sa.Table(
            f"{prefix}run_sources",
            self.metadata,
            run_fk(),
            sa.Column("position", sa.Integer, nullable=False),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("location", sa.Text, nullable=False),
            sa.Column("format", sa.String(40), nullable=False),
            sa.Column("sha256", sa.String(64)),
            sa.Column("rows", sa.Integer, nullable=False),
            sa.Column("period", sa.String(40)),
            sa.Column("profile", sa.String(200)),
            sa.Column("sheet", sa.Text),
        )
        self.suites = sa.Table(
            f"{prefix}run_suites",
            self.metadata,
            run_fk(),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("version", sa.String(40), nullable=False),
            sa.Column("expectations", sa.Integer, nullable=False),
        )
        self.regions = sa.Table(
            f"{prefix}run_regions",
            self.metadata,
            run_fk(),
            sa.Column("region", sa.String(40), nullable=False),
            sa.Column("records", sa.Integer, nullable=False),
            *(sa.Column(severity, sa.Integer, nullable=False) for severity in _SEVERITIES),
        )
        self.counts = sa.Table(
            f"{prefix}run_counts",
            self.metadata,
            run_fk(),
            sa.Column("rule", sa.String(200), nullable=False),
            sa.Column("region", sa.String(40), nullable=False),
            sa.Column("severity", sa.String(10), nullable=False),
            sa.Column("count", sa.Integer, nullable=False),
        )
        self.findings = sa.Table(
            f"{prefix}run_findings",
            self.metadata,
            run_fk(),
            sa.Column("seq", sa.Integer, nullable=False),
            sa.Column("rule", sa.String(200), nullable=False),
            sa.Column("severity", sa.String(10), nullable=False),
            sa.Column("scope", sa.String(20), nullable=False),
            sa.Column("source", sa.Text),
            sa.Column("row", sa.Integer),
            sa.Column("operation_id", sa.Text),
            sa.Column("programme", sa.String(40)),
            sa.Column("region", sa.String(40)),
            sa.Column("region_basis", sa.String(40)),
            sa.Column("field", sa.String(100)),
            sa.Column("column", sa.Text),
            sa.Column("value", sa.Text),  # JSON
            sa.Column("expected", sa.Text),  # JSON
            sa.Column("count", sa.Integer),
            sa.Column("message_fr", sa.Text, nullable=False),
            sa.Column("message_en", sa.Text, nullable=False),
            sa.Column("legal_basis", sa.Text),
        )


class History:
    """A run history in a database; tables are created on first use."""

    def __init__(
        self,
        target: str | Path | Engine,
        *,
        prefix: str = "fundcheck_",
        schema: str | None = None,
    ) -> None:
        self.engine = target if isinstance(target, Engine) else _engine(database_url(target))
        self.tables = HistoryTables(prefix, schema)
        try:
            self.tables.metadata.create_all(self.engine, checkfirst=True)
            self._add_missing_columns()
        except SQLAlchemyError as exc:
            raise _storage_error("cannot open the run history", self.engine, exc) from exc

    def _add_missing_columns(self) -> None:
        """Bring a history written by an earlier version up to date (nullable columns only)."""
        findings = self.tables.findings
        present = {
            column["name"]
            for column in sa.inspect(self.engine).get_columns(findings.name, schema=findings.schema)
        }
        missing = [column for column in findings.columns if column.name not in present]
        if not missing:
            return
        preparer = self.engine.dialect.identifier_preparer
        with self.engine.begin() as connection:
            for column in missing:
                kind = column.type.compile(dialect=self.engine.dialect)
                connection.execute(
                    sa.text(
                        f"ALTER TABLE {preparer.format_table(findings)} "
                        f"ADD COLUMN {preparer.format_column(column)} {kind}"
                    )
                )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------------------- writing

    def record(self, result: RunResult) -> int:
        """Store a run in one transaction and return its id."""
        counts = result.counts()
        try:
            with self.engine.begin() as conn:
                run_id = conn.execute(
                    sa.insert(self.tables.runs).returning(self.tables.runs.c.id),
                    {
                        "generated_at": result.generated_at,
                        "stored_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "fundcheck_version": result.fundcheck_version,
                        "schema_version": SCHEMA_VERSION,
                        "records": result.records,
                        **counts,
                    },
                ).scalar_one()
                self._insert_details(conn, run_id, result)
        except SQLAlchemyError as exc:
            raise _storage_error("cannot store the run", self.engine, exc) from exc
        return int(run_id)

    def _insert_details(self, conn: Connection, run_id: int, result: RunResult) -> None:
        tables = self.tables
        sources = [
            {
                "run_id": run_id,
                "position": i,
                **source.model_dump(exclude={"fetched_at", "remote", "record_kind"}),
            }
            for i, source in enumerate(result.sources)
        ]
        _insert_many(conn, tables.sources, sources)
        suites = [{"run_id": run_id, **suite.model_dump()} for suite in result.suites]
        _insert_many(conn, tables.suites, suites)
        regions = [
            {"run_id": run_id, "region": region, "records": result.records_by_region.get(region, 0)}
            | severities
            for region, severities in result.by_region().items()
        ]
        _insert_many(conn, tables.regions, regions)
        _insert_many(conn, tables.counts, _rule_counts(result.findings, run_id))
        for chunk in _finding_rows(result.findings, run_id):
            conn.execute(sa.insert(tables.findings), chunk)

    # ---------------------------------------------------------------------------- reading

    def runs(self, limit: int | None = None) -> list[StoredRun]:
        """Stored runs, most recent first."""
        runs, sources = self.tables.runs, self.tables.sources
        query = sa.select(runs).order_by(runs.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            ids = [row["id"] for row in rows]
            by_run: dict[int, list[tuple[str, str | None]]] = {run_id: [] for run_id in ids}
            if ids:
                source_rows = conn.execute(
                    sa.select(sources.c.run_id, sources.c.name, sources.c.sha256)
                    .where(sources.c.run_id.in_(ids))
                    .order_by(sources.c.run_id, sources.c.position)
                ).all()
                for run_id, name, sha in source_rows:
                    by_run[run_id].append((name, sha))
        return [
            StoredRun(
                id=row["id"],
                generated_at=row["generated_at"],
                fundcheck_version=row["fundcheck_version"],
                records=row["records"],
                error=row["error"],
                warning=row["warning"],
                info=row["info"],
                sources=tuple(name for name, _ in by_run[row["id"]]),
                sha256=tuple(sha for _, sha in by_run[row["id"]]),
            )
            for row in rows
        ]

    def trend(self, region: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """Records and findings per region and severity for each run, oldest run first.

        Columns: ``run_id``, ``generated_at``, ``region``, ``records``, ``error``, ``warning``,
        ``info``; ``limit`` keeps the most recent runs.
        """
        runs, regions = self.tables.runs, self.tables.regions
        recent = sa.select(runs.c.id).order_by(runs.c.id.desc())
        if limit is not None:
            recent = recent.limit(limit)
        query = (
            sa.select(
                regions.c.run_id,
                runs.c.generated_at,
                regions.c.region,
                regions.c.records,
                *(regions.c[severity] for severity in _SEVERITIES),
            )
            .join(runs, runs.c.id == regions.c.run_id)
            .where(regions.c.run_id.in_(recent.scalar_subquery()))
            .order_by(regions.c.run_id, regions.c.region)
        )
        if region is not None:
            query = query.where(regions.c.region == region)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        columns = ["run_id", "generated_at", "region", "records", *_SEVERITIES]
        return pd.DataFrame([tuple(row) for row in rows], columns=columns)

    def rule_counts(self, run_id: int) -> pd.DataFrame:
        """Findings per rule, region and severity of one run."""
        counts = self.tables.counts
        query = (
            sa.select(counts.c.rule, counts.c.region, counts.c.severity, counts.c.count)
            .where(counts.c.run_id == run_id)
            .order_by(counts.c.rule, counts.c.region, counts.c.severity)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return pd.DataFrame(
            [tuple(row) for row in rows], columns=["rule", "region", "severity", "count"]
        )

    def findings(self, run_id: int) -> pd.DataFrame:
        """The findings of one run, as a findings table in stored order."""
        table = self.tables.findings
        query = (
            sa.select(*(table.c[name] for name in FINDING_COLUMNS))
            .where(table.c.run_id == run_id)
            .order_by(table.c.seq)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        columns = {name: [row[i] for row in rows] for i, name in enumerate(FINDING_COLUMNS)}
        for name in _JSON_COLUMNS:
            columns[name] = [None if v is None else json.loads(v) for v in columns[name]]
        frame = pd.DataFrame({name: pd.Series(v, dtype=object) for name, v in columns.items()})
        return findings_frame(frame)


# -------------------------------------------------------------------------------- helpers


def _engine(url: str) -> Engine:
    try:
        return sa.create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise ConfigError(f"invalid history database: {exc}", location=_safe_url(url)) from exc


def _safe_url(url: str | sa.URL) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "<history database>"


def _storage_error(what: str, engine: Engine, exc: SQLAlchemyError) -> FundcheckError:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return FundcheckError(f"{what}: {reason}", location=_safe_url(engine.url))


def _insert_many(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(sa.insert(table), list(rows))


def _rule_counts(findings: pd.DataFrame, run_id: int) -> list[dict[str, Any]]:
    if findings.empty:
        return []
    buckets = findings["region"].astype(object)
    buckets = buckets.where(buckets.notna() & (buckets != ""), NATIONAL_BUCKET)
    sizes = (
        findings.assign(_bucket=buckets)
        .groupby(["rule", "_bucket", "severity"], sort=True, dropna=False)
        .size()
        .reset_index(name="count")
    )
    return [
        {
            "run_id": run_id,
            "rule": str(rule),
            "region": str(region),
            "severity": str(sev),
            "count": n,
        }
        for rule, region, sev, n in zip(
            sizes["rule"], sizes["_bucket"], sizes["severity"], sizes["count"].tolist(), strict=True
        )
    ]


def _finding_rows(findings: pd.DataFrame, run_id: int) -> Iterator[list[dict[str, Any]]]:
    """The findings as insert parameters, ``_CHUNK`` rows at a time."""
    for start in range(0, len(findings), _CHUNK):
        chunk = findings.iloc[start : start + _CHUNK]
        columns: dict[str, list[Any]] = {}
        for name in FINDING_COLUMNS:
            series = chunk[name]
            if name in _JSON_COLUMNS:
                columns[name] = [json_text(v) for v in series.tolist()]
            else:
                missing = series.isna().tolist()
                columns[name] = [
                    None if gone else _plain(v)
                    for v, gone in zip(series.tolist(), missing, strict=True)
                ]
        seqs = range(start, start + len(chunk))
        yield [
            {"run_id": run_id, "seq": seq, **dict(zip(FINDING_COLUMNS, values, strict=True))}
            for seq, *values in zip(seqs, *columns.values(), strict=True)
        ]


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
