"""One operation's co-financing rate: above its ceiling, or exactly 100 % (warnings).

* ``eu.cofinancing.ceiling_operation``: the rate (the rate cell, else EU amount / eligible cost)
  above the ceiling of the operation's category of region (``checks.categories``). A warning: the
  ceiling applies to the priority, not to each operation (CPR 2021/1060 Art 112; RULES.md §4.1).
  Rates of 100 % or more are left to the rule below and to ``eu.rate.range``.
* ``eu.cofinancing.full_rate``: a rate of exactly 100 %, legal only for REACT-EU (CPR 1303/2013
  Art 92b(12)), the optional 100 % of accounting year 2020-2021 and some later derogations;
  REACT-EU rows are not reported. A rate of 0 is already outside ]0, 1] (``eu.rate.range``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from fundcheck.checks.base import Parameters, register, settings
from fundcheck.checks.categories import Ceiling
from fundcheck.checks.ceilings import (
    COLUMNS,
    LEGAL_BASIS,
    CeilingParameters,
    operations_with_ceilings,
)
from fundcheck.checks.findings import pct, records, render
from fundcheck.checks.frames import amounts, operations, text
from fundcheck.model import RecordSet, Rule, Severity
from fundcheck.reference import Reference


@register
class CeilingOperation:
    """An operation's co-financing rate above the ceiling of its category (warning)."""

    reads: ClassVar[frozenset[str]] = frozenset({"ceilings"})

    links: ClassVar[tuple[str, ...] | None] = ()

    rule: ClassVar[Rule] = Rule(
        id="eu.cofinancing.ceiling_operation",
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="financing",
        status="V",
        title_fr="Taux de l'opération au-dessus du plafond de sa catégorie de région",
        title_en="Operation rate above the ceiling of its category of region",
        message_fr=(
            "Le taux de cofinancement {value} dépasse le plafond de {expected} ({case}) ; "
            "le plafond s'applique au taux de la priorité, sur le coût éligible total ou la "
            "dépense publique selon la priorité (art. 112(2)) : à vérifier."
        ),
        message_en=(
            "Co-financing rate {value} is above the {expected} ceiling ({case}); the ceiling "
            "applies to the priority's rate, on the total eligible cost or the public "
            "expenditure as the priority sets (Art 112(2)): to be checked."
        ),
        legal_basis=LEGAL_BASIS,
    )
    parameters: ClassVar[type[Parameters]] = CeilingParameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        tolerance = settings(self, parameters)["ceiling_tolerance"]
        ops = operations_with_ceilings(data, reference)
        rate = amounts(ops, "cofinancing_rate")
        rate = rate.fillna(amounts(ops, "eu_amount") / amounts(ops, "total_eligible_cost"))
        limit = pd.Series([c.rate if c else np.nan for c in ops["_ceiling"]], index=ops.index)
        over = (rate > limit + tolerance) & (rate < 1 - 1e-9)
        ceilings: list[Ceiling] = list(ops.loc[over, "_ceiling"])
        rates = [float(r) for r in rate[over]]
        return records(
            self.rule,
            ops[over],
            field="cofinancing_rate",
            values=[round(r, 9) for r in rates],
            expected=[c.rate for c in ceilings],
            messages=[
                render(
                    self.rule,
                    {
                        "value": pct(r, 2),
                        "expected": pct(c.rate, 0),
                        "case": (c.case_fr, c.case_en),
                    },
                )
                for r, c in zip(rates, ceilings, strict=True)
            ],
            legal_basis=[c.legal_basis for c in ceilings],
        )


@register
class FullRate:
    """A co-financing rate of exactly 100 % outside REACT-EU."""

    reads: ClassVar[frozenset[str]] = frozenset()

    links: ClassVar[tuple[str, ...] | None] = ()

    rule: ClassVar[Rule] = Rule(
        id="eu.cofinancing.full_rate",
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="financing",
        status="C",
        title_fr="Taux de cofinancement de 100 %",
        title_en="Co-financing rate of 100 %",
        message_fr=(
            "Taux de cofinancement de 100 % : possible seulement pour REACT-EU, l'exercice "
            "comptable 2020-2021 ou certaines dérogations ; à justifier."
        ),
        message_en=(
            "Co-financing rate of 100 %: possible only for REACT-EU, accounting year 2020-2021 or "
            "some derogations; to be justified."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 112; CPR (EU) 1303/2013 Arts 92b(12) and 120",
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        ops = operations(data, COLUMNS)
        rate = amounts(ops, "cofinancing_rate")
        full = ((rate - 1).abs() < 1e-9) & (text(ops, "fund") != "REACT-EU").fillna(True)
        rows = ops[full]
        return records(
            self.rule,
            rows,
            field="cofinancing_rate",
            values=[1.0] * len(rows),
            expected="< 1",
            messages=[render(self.rule, {})] * len(rows),
        )
