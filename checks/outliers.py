"""Outliers: values that are legal in form but improbable, to be looked at (warnings).

* ``eu.outliers.eligible_cost``: eligible cost far outside the distribution of its specific
  objective (its intervention field when it has no objective). Robust statistic on the decimal
  logarithm of the cost: z = 0.6745 × (x − median) / MAD (median absolute deviation), reported
  when |z| > ``outlier_robust_z`` (5) in a group of at least ``outlier_min_group`` (30)
  operations. On log-normal costs this is about one false alarm per million operations.
* ``eu.outliers.zero_amount``: an eligible cost or EU amount of exactly 0 (negative amounts are
  the record rule ``eu.amount.non_negative``).
* ``eu.outliers.long_duration``: an operation lasting more than ``max_duration_years`` (10) years.

Rates of exactly 100 % are ``checks.rates``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import Field

from fundcheck.checks import derived
from fundcheck.checks.base import Parameters, register, settings
from fundcheck.checks.findings import eur, records, render
from fundcheck.checks.frames import amounts, operations, per_distinct
from fundcheck.checks.shards import link
from fundcheck.findings import findings_frame
from fundcheck.model import FIELDS, RecordSet, Rule, Severity
from fundcheck.reference import Reference

COLUMNS = (
    "operation_id", "programme_cci", "fund", "specific_objective", "intervention_field",
    "start_date", "end_date", "total_eligible_cost", "eu_amount", "cofinancing_rate",
)  # fmt: skip


def _rule(rule_id: str, title: tuple[str, str], message: tuple[str, str], basis: str) -> Rule:
    return Rule(
        id=rule_id,
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="outliers",
        status="C",
        title_fr=title[0],
        title_en=title[1],
        message_fr=message[0],
        message_en=message[1],
        legal_basis=basis,
    )


@link("objective_group")
def _cost_group_keys(data: Mapping[str, RecordSet], reference: Reference) -> list[pd.Series]:
    return [cost_groups(data)]


def cost_groups(data: Mapping[str, RecordSet]) -> pd.Series:
    """The group whose costs an operation's eligible cost is compared with: its specific
    objective, else its first intervention field ("field 044")."""
    first_field = per_distinct(
        derived.text(data, "intervention_field"),
        lambda cell: next((code for code in cell.split("|") if code), None),
    )
    objective = derived.text(data, "specific_objective")
    return objective.fillna("field " + first_field.astype("string"))


class OutlierParameters(Parameters):
    """When an eligible cost is far from the others of its group."""

    outlier_robust_z: float = Field(
        5.0,
        gt=0,
        description="Robust z-score (median and MAD of the log cost) from which a cost "
        "is an outlier",
    )
    outlier_min_group: int = Field(
        30,
        gt=0,
        description="Operations a group (programme and intervention field) needs "
        "before outliers are sought in it",
    )


class DurationParameters(Parameters):
    """When an operation lasts unusually long."""

    max_duration_years: float = Field(
        10.0, gt=0, description="Duration (years) above which an operation is reported"
    )


@register
class EligibleCostOutlier:
    """Eligible cost far from the median of its specific objective (robust z-score)."""

    reads: ClassVar[frozenset[str]] = frozenset({"text"})

    links: ClassVar[tuple[str, ...] | None] = ("objective_group",)

    rule: ClassVar[Rule] = _rule(
        "eu.outliers.eligible_cost",
        ("Coût éligible atypique pour son objectif spécifique",
         "Eligible cost atypical for its specific objective"),
        ("Coût éligible {value} très éloigné de la médiane {median} de {group} ({count} "
         "opérations) : écart robuste z = {z} (log10, médiane et MAD), seuil {limit}.",
         "Eligible cost {value} far from the median {median} of {group} ({count} operations): "
         "robust z = {z} (log10, median and MAD), limit {limit}."),
        "CPR (EU) 2021/1060 Art 49(3)(h) (data quality)",
    )  # fmt: skip
    parameters: ClassVar[type[Parameters]] = OutlierParameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        params = settings(self, parameters)
        ops = operations(data, COLUMNS)
        cost = amounts(ops, "total_eligible_cost")
        group = cost_groups(data)
        ops = ops.assign(_log=np.log10(cost.where(cost > 0)), _group=group)
        ops = ops[ops["_log"].notna() & ops["_group"].notna()]
        by = ops.groupby("_group")["_log"]
        median = by.transform("median")
        mad = (ops["_log"] - median).abs().groupby(ops["_group"]).transform("median")
        size = by.transform("size")
        z = 0.6745 * (ops["_log"] - median) / mad.where(mad > 0)
        hit = (z.abs() > params["outlier_robust_z"]) & (size >= params["outlier_min_group"])
        rows = ops[hit.fillna(False)]
        return records(
            self.rule,
            rows,
            field="total_eligible_cost",
            values=list(amounts(rows, "total_eligible_cost")),
            expected=[round(float(10**m), 2) for m in median[rows.index]],
            messages=[
                render(
                    self.rule,
                    {
                        "value": eur(10 ** float(x)),
                        "median": eur(10 ** float(m)),
                        "group": str(g),
                        "count": int(n),
                        "z": f"{float(v):.1f}",
                        "limit": params["outlier_robust_z"],
                    },
                )
                for x, m, g, n, v in zip(
                    rows["_log"],
                    median[rows.index],
                    rows["_group"],
                    size[rows.index],
                    z[rows.index],
                    strict=True,
                )
            ],  # fmt: skip
        )


@register
class ZeroAmount:
    """An eligible cost or EU amount of exactly zero."""

    reads: ClassVar[frozenset[str]] = frozenset()

    links: ClassVar[tuple[str, ...] | None] = ()

    rule: ClassVar[Rule] = _rule(
        "eu.outliers.zero_amount",
        ("Montant nul", "Zero amount"),
        ("« {column} » vaut 0 : une opération sélectionnée a un coût et un soutien.",
         "'{column}' is 0: a selected operation has a cost and a support."),
        "CPR (EU) 2021/1060 Art 49(3)(h),(k)",
    )  # fmt: skip
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        ops = operations(data, COLUMNS)
        parts = []
        taken = pd.Series(False, index=ops.index)
        for field in ("total_eligible_cost", "eu_amount"):
            zero = (amounts(ops, field) == 0) & ~taken
            taken |= zero
            labels = _labels(data, field)
            spec = FIELDS[field]
            column = (labels[field], labels[field]) if labels else (spec.label_fr, spec.label_en)
            parts.append(
                records(
                    self.rule,
                    ops[zero],
                    field=field,
                    values=[0.0] * int(zero.sum()),
                    expected="> 0",
                    messages=[render(self.rule, {"column": column})] * int(zero.sum()),
                    labels=labels,
                )
            )
        return findings_frame(pd.concat(parts, ignore_index=True))


def _labels(data: Mapping[str, RecordSet], field: str) -> dict[str, str]:
    for record_set in data.values():
        if field in record_set.column_labels:
            return {field: record_set.column_labels[field]}
    return {}


@register
class LongDuration:
    """An operation lasting more than ten years."""

    reads: ClassVar[frozenset[str]] = frozenset()

    links: ClassVar[tuple[str, ...] | None] = ()

    rule: ClassVar[Rule] = _rule(
        "eu.outliers.long_duration",
        ("Durée de l'opération supérieure à 10 ans", "Operation lasting more than 10 years"),
        ("L'opération dure {value} ans (du {start} au {end}), plus que {expected} ans.",
         "The operation lasts {value} years ({start} to {end}), more than {expected} years."),
        "CPR (EU) 2021/1060 Art 63(2) (eligibility period)",
    )  # fmt: skip
    parameters: ClassVar[type[Parameters]] = DurationParameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        limit = settings(self, parameters)["max_duration_years"]
        ops = operations(data, COLUMNS)
        start = pd.to_datetime(ops["start_date"], errors="coerce")
        end = pd.to_datetime(ops["end_date"], errors="coerce")
        years = (end - start).dt.days / 365.25
        long = years > limit
        rows = ops[long]
        return records(
            self.rule,
            rows,
            field="end_date",
            values=[round(float(y), 1) for y in years[long]],
            expected=limit,
            messages=[
                render(
                    self.rule,
                    {"value": f"{y:.1f}", "start": s.date(), "end": e.date(), "expected": limit},
                )
                for y, s, e in zip(years[long], start[long], end[long], strict=True)
            ],
        )
