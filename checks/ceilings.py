"""Co-financing ceilings: the Union share of the money may not exceed the ceiling of the category.

* ``eu.cofinancing.ceiling_aggregate``: per programme × fund × category of region (× priority where
  the data has a priority column), Σ EU amount / Σ eligible cost must not exceed the ceiling of
  the period (CPR 2021/1060 Art 112, CPR 1303/2013 Art 120; see ``checks.categories``). Two-category
  programmes are split by each operation's category. A warning: the legal ceiling applies to the
  priority's rate, and derogations exist (ESF+ Arts 10/14, STEP, mid-term review, +10 pp 2014-2020)
  that a list of operations does not show.

The ceiling of one operation's rate is ``checks.rates``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import Field

from fundcheck.checks import derived
from fundcheck.checks.base import GatheringCheck, Parameters, register, settings
from fundcheck.checks.categories import Ceiling, categories, ceiling
from fundcheck.checks.findings import aggregate, eur, one, pct, programme_region
from fundcheck.checks.frames import SOURCE, amounts, operations, shared, text
from fundcheck.checks.gathered import ROWS
from fundcheck.findings import findings_frame
from fundcheck.model import PERIOD, REGION, RecordSet, Rule, Severity
from fundcheck.reference import Reference

COLUMNS = (
    "operation_id", "programme_cci", "fund", "priority", "specific_objective", "nuts_code",
    "operation_department", "operation_postcode", "category_of_region", "total_eligible_cost",
    "eu_amount", "cofinancing_rate",
)  # fmt: skip
LEGAL_BASIS = "CPR (EU) 2021/1060 Art 112; CPR (EU) 1303/2013 Art 120"


def with_ceilings(
    frame: pd.DataFrame, reference: Reference, cats: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The operations table with ``_ceiling`` (a Ceiling or None) and ``_category`` columns;
    ``cats`` are the operations' categories of region when already derived. The ceiling is
    looked up once per distinct combination of what it depends on."""
    out = frame.copy(deep=False)  # columns added here, never to the caller's frame
    cats = categories(out, reference) if cats is None else cats
    out["_category"] = cats["category"]
    keys = pd.DataFrame(
        {
            "period": out[PERIOD].astype("string").fillna(""),
            "fund": text(out, "fund").fillna(""),
            "category": cats["category"],
            "outermost": cats["outermost"],
            "previous": cats["previous"],
            "cci": text(out, "programme_cci").fillna(""),
            "objective": text(out, "specific_objective"),
        },
        index=out.index,
    )
    keys = keys.astype(object).where(keys.notna(), None)
    group = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
    firsts = keys.iloc[np.unique(group, return_index=True)[1]]
    found = np.empty(len(firsts), dtype=object)
    found[:] = [ceiling(*key) for key in firsts.itertuples(index=False, name=None)]
    out["_ceiling"] = pd.Series(found[group], index=out.index, dtype=object)
    return out


def operations_with_ceilings(data: Mapping[str, RecordSet], reference: Reference) -> pd.DataFrame:
    """The run's operations with their ceilings, derived once for the checks that need them."""
    return shared(
        data,
        "ceilings",
        lambda: with_ceilings(
            operations(data, COLUMNS), reference, derived.categories(data, reference)
        ),
    )


class CeilingParameters(Parameters):
    """How far above a co-financing ceiling a rate may be before it is reported."""

    ceiling_tolerance: float = Field(
        0.00001,
        ge=0,
        lt=1,
        description="Rate points above the ceiling taken as rounding "
        "(0.00001 = 0.001 point, as SFC validates rates)",
    )


@register
class CeilingAggregate(GatheringCheck):
    """Σ EU / Σ eligible cost per programme × fund × category (× priority) ≤ ceiling."""

    reads: ClassVar[frozenset[str]] = frozenset({"categories", "ceilings"})

    sums: ClassVar[tuple[str, ...]] = ("_eu", "_eligible")

    rule: ClassVar[Rule] = Rule(
        id="eu.cofinancing.ceiling_aggregate",
        severity=Severity.WARNING,
        origin="check",
        scope="programme",
        family="financing",
        status="V",
        title_fr="Plafond de cofinancement dépassé (programme, fonds, catégorie de région)",
        title_en="Co-financing ceiling exceeded (programme, fund, category of region)",
        message_fr=(
            "Programme {programme}, {case}{priority} : Σ montant UE / Σ dépenses éligibles = "
            "{value} sur {count} opérations ({eu} / {eligible}), au-delà du plafond de {expected} "
            "(taux calculé sur le coût éligible total ; la priorité peut avoir pour base la "
            "dépense publique, art. 112(2), ce qui rend son taux plus élevé encore)."
        ),
        message_en=(
            "Programme {programme}, {case}{priority}: Σ EU amount / Σ eligible cost = {value} over "
            "{count} operations ({eu} / {eligible}), above the {expected} ceiling (rate computed "
            "on the total eligible cost; a priority whose basis is public expenditure, Art "
            "112(2), has a higher rate still)."
        ),
        legal_basis=LEGAL_BASIS,
    )
    parameters: ClassVar[type[Parameters]] = CeilingParameters

    def gather(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The operations with a ceiling, an EU amount and an eligible cost: their programme,
        fund, period, priority, ceiling and both amounts."""
        ops = operations_with_ceilings(data, reference)
        ops["_eu"] = amounts(ops, "eu_amount")
        ops["_eligible"] = amounts(ops, "total_eligible_cost")
        ops = ops[ops["_ceiling"].notna() & ops["_eu"].notna() & (ops["_eligible"] > 0)]
        ops = ops.assign(
            _priority=text(ops, "priority").fillna(""), _cci=text(ops, "programme_cci").fillna("")
        )
        columns = [SOURCE, REGION, "_cci", "fund", PERIOD, "_priority", "_ceiling", "_eu"]
        return ops[[*columns, "_eligible"]]

    def judge(
        self, ops: pd.DataFrame, reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        tolerance = settings(self, parameters)["ceiling_tolerance"]
        if ops.empty:
            return findings_frame()
        ops["_rate"] = [c.rate for c in ops["_ceiling"]]
        ops["_case"] = [c.case_en for c in ops["_ceiling"]]
        keys = ["_cci", "fund", PERIOD, "_case", "_rate", "_priority"]
        groups = ops.groupby(keys, sort=True, dropna=False)
        sums = groups.agg(eu=("_eu", "sum"), eligible=("_eligible", "sum"), count=(ROWS, "sum"))
        share = sums["eu"] / sums["eligible"]
        over = sums[share > sums.index.get_level_values("_rate") + tolerance]
        return findings_frame(
            self._finding(groups.get_group(key), line, reference) for key, line in over.iterrows()
        )

    def _finding(
        self, group: pd.DataFrame, line: pd.Series, reference: Reference
    ) -> dict[str, Any]:
        limit: Ceiling = group["_ceiling"].iloc[0]
        cci = str(group["_cci"].iloc[0])
        priority = str(group["_priority"].iloc[0])
        share = float(line["eu"]) / float(line["eligible"])
        return aggregate(
            self.rule,
            "programme",
            programme=cci,
            region=programme_region(group, cci, reference),
            source=one(group[SOURCE]),
            field="cofinancing_rate",
            value=round(share, 9),
            expected=limit.rate,
            count=int(line["count"]),
            legal_basis=limit.legal_basis,
            message={
                "case": (limit.case_fr, limit.case_en),
                "priority": (f", priorité {priority}", f", priority {priority}")
                if priority
                else "",
                "value": pct(share, 2),
                "expected": pct(limit.rate, 0),
                "eu": eur(float(line["eu"])),
                "eligible": eur(float(line["eligible"])),
            },
        )
