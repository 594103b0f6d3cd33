"""Run histories on SQLite and on the machine's real PostgreSQL, and RunResults to store in them.

PostgreSQL tests use a fresh schema per test, dropped afterwards. When the server is unreachable
they are skipped, except in CI (CI=true) where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from fundcheck.findings import findings_frame
from fundcheck.history import History
from fundcheck.model import Provenance, Rule, RunResult, Severity, SuiteRef

POSTGRES_URL = os.environ.get(
    "FUNDCHECK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

MANDATORY = Rule(
    id="eu21.art49.mandatory_field",
    severity=Severity.ERROR,
    origin="expectation",
    family="eu21.art49",
    title_fr="Champ obligatoire vide",
    title_en="Mandatory field empty",
    message_fr="Le champ {column} est vide.",
    message_en="Field {column} is empty.",
    legal_basis="CPR (EU) 2021/1060 Art 49(3)",
)
POSTCODE = Rule(
    id="fr.postcode.exists",
    severity=Severity.WARNING,
    origin="expectation",
    family="fr.postcode",
    title_fr="Code postal inconnu",
    title_en="Unknown postcode",
    message_fr="Code postal {value} inconnu.",
    message_en="Unknown postcode {value}.",
    legal_basis="CPR (EU) 2021/1060 Art 49(3)(l)-(m)",
)
RULES = [MANDATORY, POSTCODE]
REGIONS = ["84", "11", None]


def finding(rule: Rule, i: int, /, **values: Any) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "severity": rule.severity.value,
        "scope": rule.scope,
        "source": "liste.xlsx",
        "row": i + 2,
        "operation_id": f"OP-{i}",
        "programme": "2021FR16FFPR001",
        "region": REGIONS[i % 3],
        "field": "fund",
        "column": "Fonds",
        "value": f"v{i}",
        "message_fr": f"FR {rule.title_fr} {i}",
        "message_en": f"EN {rule.title_en} {i}",
        "legal_basis": rule.legal_basis,
        **values,
    }


def build_result(
    n: int,
    *,
    sha: str = "ab" * 32,
    at: str = "2026-03-16T09:00:00+00:00",
    changes: dict[int, dict[str, Any]] | None = None,
) -> RunResult:
    """A RunResult with ``n`` findings alternating error / warning over regions 84, 11, national;
    ``changes`` overrides values of some findings, by position."""
    changes = changes or {}
    rows = [finding(RULES[i % 2], i, **changes.get(i, {})) for i in range(n)]
    return RunResult(
        fundcheck_version="0.1.0",
        generated_at=at,
        sources=[
            Provenance(
                name="liste.xlsx",
                location="/data/liste.xlsx",
                format="xlsx",
                sha256=sha,
                rows=300,
                period="2021-2027",
                profile="fr_national_2021_2027",
                sheet="LISTE",
            )
        ],
        suites=[SuiteRef(name="eu_2021_2027.list_of_operations", version="1.0.0", expectations=33)],
        rules=RULES,
        records=300,
        findings=findings_frame(rows),
        region_names={"84": "Auvergne-Rhône-Alpes", "11": "Île-de-France"},
        records_by_region={"84": 150, "11": 100, "93": 30, "national": 20},
    )


def _postgres_or_skip() -> sa.Engine:
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        engine.dispose()
        reason = f"PostgreSQL unreachable at {POSTGRES_URL}: {type(exc).__name__}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must run the PostgreSQL tests)")
        pytest.skip(reason)
    return engine


@pytest.fixture
def postgres_schema() -> Iterator[tuple[sa.Engine, str]]:
    """An engine on the real PostgreSQL and a fresh schema, dropped after the test."""
    engine = _postgres_or_skip()
    schema = f"fundcheck_test_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield engine, schema
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def make_history(request: pytest.FixtureRequest, tmp_path) -> Iterator[Callable[[], History]]:
    """Opens the same history (SQLite file, or a PostgreSQL schema) each time it is called."""
    opened: list[History] = []
    if request.param == "sqlite":
        path = tmp_path / "history.sqlite"

        def open_history() -> History:
            opened.append(History(path))
            return opened[-1]

        yield open_history
    else:
        engine, schema = request.getfixturevalue("postgres_schema")

        def open_history() -> History:
            opened.append(History(engine, schema=schema))
            return opened[-1]

        yield open_history
    for history in opened:
        if request.param == "sqlite":
            history.close()


@pytest.fixture
def result_of() -> Callable[..., RunResult]:
    return build_result


def _table_counts(history: History) -> dict[str, int]:
    tables = history.tables
    every = (tables.runs, tables.sources, tables.suites, tables.regions, tables.counts)
    counts = {}
    with history.engine.connect() as conn:
        for table in (*every, tables.findings):
            query = sa.select(sa.func.count()).select_from(table)
            counts[table.name] = conn.execute(query).scalar_one()
    return counts


@pytest.fixture
def table_counts() -> Callable[[History], dict[str, int]]:
    """Rows in every table of a history."""
    return _table_counts
