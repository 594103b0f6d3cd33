"""Published CPER figures: printed totals against their rows (CPER-002), published averages
labelled weighted or unweighted (CPER-025), one figure published with two values (CPER-028)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from fundcheck.checks.cper_base import finding, records
from fundcheck.checks.cper_rules import RULE
from fundcheck.findings import findings_frame

Rows = list[dict[str, Any]]
FACT_KEY = ["generation", "region_code_2016", "perimetre", "volet_ou_mode", "financeur",
            "metric", "as_of"]  # fmt: skip


def _number(value: float) -> tuple[str, str]:
    english = f"{value:,.1f}".replace(".0", "") if value == round(value) else f"{value:,.2f}"
    return english.replace(",", "\u202f").replace(".", ","), english


def printed_totals(totals: pd.DataFrame) -> Rows:
    """CPER-002: one warning per printed total that its rows do not add up to."""
    out: Rows = []
    for rec in records(totals):
        delta = rec["computed"] - rec["printed"]
        if abs(delta) <= rec["tolerance"] + 1e-9:
            continue
        out.append(
            finding(
                RULE["CPER-002"],
                what=f"{rec['label']} ({rec['group']}, {rec['unit']})",
                value=rec["computed"],
                expected=rec["printed"],
                scope="dataset",
                source=rec["source"],
                row=rec["row"],
                field=str(rec["group"]),
                show={"value": _number(rec["computed"]), "expected": _number(rec["printed"]),
                      "delta": _number(delta)},
            )
        )  # fmt: skip
    return out


def labelled_means(means: pd.DataFrame) -> Rows:
    """CPER-025: say whether each published mean is the unweighted or the weighted one."""
    out: Rows = []
    for rec in records(means):
        published, tol = rec["published"], rec["tolerance"]
        unweighted, weighted = rec["unweighted"], rec["weighted"]
        if abs(published - unweighted) <= tol:
            kind, matched, other = ("non pondérée", "unweighted"), unweighted, weighted
        elif not math.isnan(weighted) and abs(published - weighted) <= tol:
            kind, matched, other = ("pondérée", "weighted"), weighted, unweighted
        else:
            kind, matched, other = ("ni pondérée ni non pondérée", "neither"), math.nan, weighted
        out.append(
            finding(
                RULE["CPER-025"],
                what=str(rec["label"]),
                value=published,
                expected=None if math.isnan(matched) else round(matched, 3),
                scope="dataset",
                source=rec["source"],
                row=rec["row"],
                show={"kind": kind, "expected": _number(unweighted if math.isnan(matched)
                                                         else matched),
                      "other": "—" if math.isnan(other) else _number(other)},
            )
        )  # fmt: skip
    return out


def source_conflicts(facts: pd.DataFrame | None) -> Rows:
    """CPER-028: the same figure (generation, region, perimeter, volet, financer, metric, date)
    published with different values by different sources."""
    if facts is None or facts.empty:
        return []
    out: Rows = []
    keyed = facts.fillna("")
    for _, part in keyed.groupby(FACT_KEY, sort=True):
        values = pd.to_numeric(part["value"], errors="coerce")
        if values.nunique() < 2 or part["source_key"].nunique() < 2:
            continue
        first, second = records(part.iloc[:2])
        code = str(first["region_code_2016"])
        out.append(
            finding(
                RULE["CPER-028"],
                what=f"{first['metric']} {first['region_code_2016']} {first['generation']}",
                value=float(values.iloc[0]),
                expected=float(values.iloc[1]),
                region=None if code in ("", "FR") else code,
                scope="dataset",
                source=first["source"],
                row=first["row"],
                show={"value": f"{first['value']} ({first['source_key']})",
                      "expected": f"{second['value']} ({second['source_key']})"},
            )
        )  # fmt: skip
    return out


def validate_published(totals: pd.DataFrame, means: pd.DataFrame, facts: Any) -> pd.DataFrame:
    return findings_frame(
        [*printed_totals(totals), *labelled_means(means), *source_conflicts(facts)]
    )
