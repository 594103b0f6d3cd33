"""What every report summarises: counts per region bucket and per rule, findings in reading order.

Region buckets are INSEE region codes ("84") plus ``national`` for findings without a region
(national or multi-regional operations, and notes about a whole source).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.model import NATIONAL_BUCKET, Rule, RunResult, Severity
from fundcheck.reports.base import Lang
from fundcheck.reports.ui_text import text

SEVERITY_RANK: dict[str, int] = {severity.value: severity.rank for severity in Severity}


def severity_ranks(severity: pd.Series) -> pd.Series:
    """The rank of each finding's severity (NaN for a missing or unknown one), looked up once
    per distinct severity: a map over the cells of half a million findings took 0.15 s."""
    codes, uniques = pd.factorize(severity, use_na_sentinel=True)
    lookup = np.array([SEVERITY_RANK.get(str(value), np.nan) for value in uniques] + [np.nan])
    return pd.Series(lookup[codes], index=severity.index, dtype="float64")


SEVERITIES: tuple[str, ...] = tuple(severity.value for severity in Severity)  # worst first


@dataclass(frozen=True)
class RegionSummary:
    """Records read and findings per severity for one region bucket."""

    key: str
    name: str
    records: int
    error: int
    warning: int
    info: int

    @property
    def findings(self) -> int:
        return self.error + self.warning + self.info

    @property
    def code(self) -> str:
        """The INSEE code, or "" for the national bucket and the total line."""
        return self.key if self.key.isdigit() else ""

    @property
    def label(self) -> str:
        """Code and name ("84 Auvergne-Rhône-Alpes"), or the name alone."""
        return f"{self.code} {self.name}".strip()

    def count(self, severity: str) -> int:
        return int(getattr(self, severity))


@dataclass(frozen=True)
class RuleSummary:
    """How often a rule fired, with its worst severity, title and legal basis."""

    id: str
    severity: str
    family: str
    title: str
    legal_basis: str
    findings: int


def region_name(result: RunResult, key: str, lang: Lang) -> str:
    if key == NATIONAL_BUCKET:
        return text("national", lang)
    return result.region_names.get(key, "")


def region_keys(findings: pd.DataFrame) -> pd.Series:
    """The region bucket of each finding: its region code, or ``national``."""
    regions = findings["region"]
    if not isinstance(regions.dtype, pd.StringDtype):  # text columns stay text: no object per cell
        regions = regions.astype(object)
    return regions.where(regions.notna() & (regions != ""), NATIONAL_BUCKET).astype(str)


def region_summaries(result: RunResult, lang: Lang) -> list[RegionSummary]:
    """One line per region bucket holding records or findings, regions by code, national last."""
    counts = result.by_region()
    for key in result.records_by_region:
        counts.setdefault(key, {severity: 0 for severity in SEVERITIES})
    keys = sorted(counts, key=lambda key: (key == NATIONAL_BUCKET, key))
    return [
        RegionSummary(
            key=key,
            name=region_name(result, key, lang),
            records=result.records_by_region.get(key, 0),
            error=counts[key]["error"],
            warning=counts[key]["warning"],
            info=counts[key]["info"],
        )
        for key in keys
    ]


def total_summary(result: RunResult, lang: Lang) -> RegionSummary:
    counts = result.counts()
    return RegionSummary(
        key="total",
        name=text("total", lang),
        records=result.records,
        error=counts["error"],
        warning=counts["warning"],
        info=counts["info"],
    )


def catalogue(result: RunResult) -> dict[str, Rule]:
    return {rule.id: rule for rule in result.rules}


def family_of(rule_id: str, rules: dict[str, Rule]) -> str:
    """The rule's family; for a rule missing from the catalogue, its id without the last part."""
    rule = rules.get(rule_id)
    return rule.family if rule else rule_id.rpartition(".")[0] or rule_id


def rule_summaries(result: RunResult, findings: pd.DataFrame, lang: Lang) -> list[RuleSummary]:
    """Rules that fired in ``findings``, worst severity first, then most frequent."""
    if findings.empty:
        return []
    rules = catalogue(result)
    grouped = (
        findings.assign(_rank=severity_ranks(findings["severity"]))
        .groupby("rule", sort=False)
        .agg(findings=("rule", "size"), rank=("_rank", "max"), basis=("legal_basis", "first"))
        .sort_values(["rank", "findings"], ascending=[False, False], kind="stable")
    )
    worst = {rank: severity for severity, rank in SEVERITY_RANK.items()}
    summaries = []
    for rule_id, row in grouped.iterrows():
        rule = rules.get(str(rule_id))
        basis = rule.legal_basis if rule else row["basis"]
        summaries.append(
            RuleSummary(
                id=str(rule_id),
                severity=worst[int(row["rank"])],
                family=family_of(str(rule_id), rules),
                title=rule_title(rule, str(rule_id), lang),
                legal_basis="" if pd.isna(basis) else str(basis),
                findings=int(row["findings"]),
            )
        )
    return summaries


def rule_title(rule: Rule | None, rule_id: str, lang: Lang) -> str:
    if rule is None:
        return rule_id
    return rule.title_fr if lang == "fr" else rule.title_en


def message_column(lang: Lang) -> str:
    return "message_fr" if lang == "fr" else "message_en"


def reading_order(findings: pd.DataFrame) -> np.ndarray:
    """The positions of the findings in reading order: worst first, then by region bucket, rule,
    source and row. Only the sort keys are copied, not the findings: a report of many findings
    takes them a slice at a time (``findings.take(order[start:stop])``)."""
    keys = (
        findings[["rule", "source", "row"]]
        .assign(
            _rank=-severity_ranks(findings["severity"]).fillna(0),
            _bucket=region_keys(findings),
        )
        .reset_index(drop=True)
    )
    ordered = keys.sort_values(
        ["_rank", "_bucket", "rule", "source", "row"], kind="stable", na_position="last"
    )
    return ordered.index.to_numpy()


def in_reading_order(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings worst first, then by region bucket, rule, source and row (a sorted copy)."""
    return findings.take(reading_order(findings)).reset_index(drop=True)


GROUP_KEY = ("severity", "rule", "source", "region", "programme", "field", "column", "value",
             "expected", "message_fr", "message_en")  # fmt: skip
"""Findings that agree on all of these say the same thing about different rows."""


def row_ranges(rows: list[int]) -> str:
    """Row numbers as compact ranges: [215, 216, ..., 234, 240] -> "215-234, 240"."""
    parts: list[str] = []
    ordered = sorted(set(rows))
    start = previous = ordered[0] if ordered else 0
    for row in ordered[1:]:
        if row != previous + 1:
            parts.append(f"{start}-{previous}" if previous > start else str(start))
            start = row
        previous = row
    if ordered:
        parts.append(f"{start}-{previous}" if previous > start else str(start))
    return ", ".join(parts)


def grouped(findings: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Identical findings (same rule, source, region, column, value and message, on different
    rows) as one line, for a person to read: ``row`` becomes the rows as ranges ("215-234,
    240"), ``operation_id`` is kept when there is one, and the message says how many
    ("20 identical operations (rows 215-234)"). Lines keep the order of their first finding;
    machine-readable reports (JSON, XLSX, JUnit) keep one line per finding."""
    if findings.empty:
        return findings.assign(group_size=pd.Series(dtype="int64"))
    keys = findings[list(GROUP_KEY)].astype(object).astype(str)
    group_id = keys.groupby(list(GROUP_KEY), sort=False, dropna=False).ngroup()
    sizes = group_id.map(group_id.value_counts())
    if int(sizes.max()) == 1:
        return findings.assign(group_size=1)
    first = findings.loc[~group_id.duplicated()].copy()
    first_group = group_id[~group_id.duplicated()]
    rows_by_group = (
        findings["row"].dropna().astype(int).groupby(group_id[findings["row"].notna()]).agg(list)
    )
    operations = findings["operation_id"].groupby(group_id).nunique()
    first["group_size"] = first_group.map(group_id.value_counts()).to_numpy()
    many = first["group_size"] > 1
    ranges = first_group.map(lambda g: row_ranges(rows_by_group.get(g, []))).astype(object)
    first["row"] = first["row"].astype(object)
    first.loc[many, "row"] = ranges[many]
    first.loc[many & first_group.map(operations).gt(1).to_numpy(), "operation_id"] = None
    column = "message_fr" if lang == "fr" else "message_en"
    notes = [
        text("grouped", lang, count=size, rows=rows)
        for size, rows in zip(first.loc[many, "group_size"], ranges[many], strict=True)
    ]
    first.loc[many, column] = [
        f"{message} — {note}" for message, note in zip(first.loc[many, column], notes, strict=True)
    ]
    return first.reset_index(drop=True)


def finding_place(source: Any, row: Any, operation_id: Any, lang: Lang) -> str:
    """Where a finding is, from the parts that are known: "source.csv, row 12, OP-1"."""
    parts = [
        "" if source is None else str(source),
        "" if row is None else text("line", lang, row=row),
        "" if operation_id is None else str(operation_id),
    ]
    return ", ".join(part for part in parts if part)


def colon(lang: Lang) -> str:
    """A colon with French spacing in French."""
    return " : " if lang == "fr" else ": "
