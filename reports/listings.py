"""What ``fundcheck rules``, ``history`` and ``diff`` print: the rules catalogue, the stored
runs with their trend per region, the changes between two editions per region (as a table, or
as JSON for a program)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fundcheck.diff_result import DiffResult
from fundcheck.display import printable
from fundcheck.model import Rule, StoredRun

# -------------------------------------------------------------------------------- rules


def rules_payload(
    rules: Sequence[Rule], parameters: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The catalogue as JSON: each rule with its legal basis, verification status and the
    parameters a run may set for it (``[parameters]`` in fundcheck.toml) with their defaults."""
    return [
        {
            "id": r.id,
            "severity": r.severity.value,
            "origin": r.origin,
            "scope": r.scope,
            "family": r.family,
            "title_fr": r.title_fr,
            "title_en": r.title_en,
            "legal_basis": r.legal_basis,
            "status": r.status,
            "parameters": dict(parameters.get(r.id, {})),
        }
        for r in rules
    ]


def print_rules(rules: Sequence[Rule], console: Console, lang: str) -> None:
    table = Table(title="fundcheck rules")
    for column in ("id", "severity", "origin", "title", "legal basis"):
        table.add_column(column)
    for r in rules:
        title = r.title_fr if lang == "fr" else r.title_en
        table.add_row(Text(r.id), r.severity.value, r.origin, Text(title), Text(r.legal_basis))
    console.print(table)


# -------------------------------------------------------------------------------- history


def history_payload(runs: Sequence[StoredRun], trend: pd.DataFrame) -> dict[str, Any]:
    """The stored runs and the trend per region as JSON."""
    return {
        "runs": [
            {
                "id": r.id,
                "generated_at": r.generated_at,
                "fundcheck_version": r.fundcheck_version,
                "records": r.records,
                "error": r.error,
                "warning": r.warning,
                "info": r.info,
                "sources": [
                    {"name": name, "sha256": sha}
                    for name, sha in zip(r.sources, r.sha256, strict=True)
                ],
            }
            for r in runs
        ],
        "trend": trend.to_dict(orient="records"),
    }


def print_history(runs: Sequence[StoredRun], trend: pd.DataFrame, console: Console) -> None:
    """The stored runs, then errors / warnings per region and run, oldest run first."""
    table = Table(title="fundcheck runs")
    for column in ("run", "generated", "sources", "records", "errors", "warnings", "notes"):
        table.add_column(column, justify="right" if column in ("records", "errors") else "left")
    for r in runs:
        sources = ", ".join(
            f"{n} ({(s or '')[:8]})" for n, s in zip(r.sources, r.sha256, strict=True)
        )
        table.add_row(
            str(r.id),
            r.generated_at,
            Text(printable(sources)),
            f"{r.records:,}",
            f"{r.error:,}",
            f"{r.warning:,}",
            f"{r.info:,}",
        )
    console.print(table)
    if trend.empty:
        return
    ids = sorted(trend["run_id"].unique())
    chart = Table(title="errors / warnings per region, oldest run first")
    chart.add_column("region")
    for run_id in ids:
        chart.add_column(f"#{run_id}", justify="right")
    cells = {(row.region, row.run_id): f"{row.error}/{row.warning}" for row in trend.itertuples()}
    for key in sorted(trend["region"].unique(), key=lambda k: (k == "national", k)):
        chart.add_row(str(key), *(cells.get((key, run_id), "-") for run_id in ids))
    console.print(chart)


# -------------------------------------------------------------------------------- diff

DIFF_COUNTS = ("removed", "added", "changed", "new", "resolved", "persisting")


def print_diff(changes: DiffResult, console: Console) -> None:
    """The changes per region: vanished, new and changed operations, findings by status."""
    table = Table(title="changes per region")
    table.add_column("region")
    for key in DIFF_COUNTS:
        table.add_column(key, justify="right")
    for region, counts in changes.by_region().items():
        name = changes.region_names.get(region, "")
        table.add_row(
            Text(f"{region} {name}".strip()), *(f"{counts[key]:,}" for key in DIFF_COUNTS)
        )
    console.print(table)


def diff_verdict(changes: DiffResult, failing: int) -> str:
    counts = changes.counts()
    return (
        f"{'FAIL' if failing else 'DIFF'}: {counts['removed']} vanished, "
        f"{counts['added']} new, {counts['changed']} changed operations; {counts['new']} new, "
        f"{counts['resolved']} resolved, {counts['persisting']} persisting findings"
    )
