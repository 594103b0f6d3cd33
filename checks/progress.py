"""Programming progress: selected EU amount against the programme's allocation, per fund.

* ``eu.progress.overprogramming``: Σ EU amount of the selected operations above
  ``overprogramming_threshold`` (100 %) of the programme's EU allocation for the fund (reference:
  Partnership Agreement Table 9B / AP 2014-2020 §1.6). Over-programming is allowed but must be
  followed: a warning.
* ``eu.progress.decommitment_risk``: late in the period (from ``progress_late_year_2021_2027`` =
  2027, ``progress_late_year_2014_2020`` = 2020), a selection below the share of the allocation
  whose n+3 deadline falls by the end of the assessment year (CPR 2021/1060 Art 105: commitments
  2021-2026 by the end of the third year after, 2027 by 31/12/2029; CPR 1303/2013 Art 136). The
  annual commitments are taken as equal tranches of the allocation (an approximation: the real
  profile is in the financial plan). What is not selected cannot be claimed: a warning naming the
  deadline it endangers.

The assessment date is ``parameters["as_of"]`` (ISO date; today when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd
from pydantic import Field

from fundcheck.checks.base import GatheringCheck, Parameters, as_of, register, settings
from fundcheck.checks.findings import aggregate, eur, one, pct, programme_region
from fundcheck.checks.frames import SOURCE, allocation, amounts, operations, text
from fundcheck.checks.gathered import ROWS
from fundcheck.findings import findings_frame
from fundcheck.model import PERIOD, REGION, Period, RecordSet, Rule, Severity
from fundcheck.reference import Reference

COMMITMENT_YEARS = {
    Period.P2021_2027.value: range(2021, 2028),
    Period.P2014_2020.value: range(2014, 2021),
}
LEGAL = {
    Period.P2021_2027.value: "CPR (EU) 2021/1060 Art 105",
    Period.P2014_2020.value: "CPR (EU) 1303/2013 Art 136",
}
FUND_NAMES_FR = {"ERDF": "FEDER", "ESF+": "FSE+", "ESF": "FSE", "JTF": "FTJ", "YEI": "IEJ"}


def selected(data: Mapping[str, RecordSet]) -> pd.DataFrame:
    """The operations with a programme, a fund and a period: those and their EU amount."""
    ops = operations(data, ("programme_cci", "fund", "eu_amount"))
    ops["_eu"] = amounts(ops, "eu_amount")
    ops["_cci"], ops["_fund"] = text(ops, "programme_cci"), text(ops, "fund")
    ops = ops.dropna(subset=["_cci", "_fund", PERIOD])
    return ops[[SOURCE, REGION, PERIOD, "_cci", "_fund", "_eu"]]


def selections(ops: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """Σ EU amount selected per programme × fund × period of the ``selected`` operations (as
    lines of ``_rows`` operations: ``checks.gathered.summed``), with the allocation."""
    out = []
    for (cci, fund, period), part in ops.groupby(["_cci", "_fund", PERIOD]):
        allocated = allocation(reference, str(cci), str(fund))
        programme = reference.programmes.get(str(cci))
        if allocated is None or programme is None or programme.period.value != period:
            continue
        out.append(
            {
                "cci": cci,
                "fund": fund,
                "period": period,
                "selected": float(part["_eu"].sum()),
                "allocation": allocated,
                "count": int(part[ROWS].sum()),
                "region": programme_region(part, str(cci), reference),
                "source": one(part[SOURCE]),
            }
        )
    return pd.DataFrame(out)


def deadline_year(period: str, commitment: int) -> int:
    """Year by whose end a commitment must be claimed: n+3, except 2027 (31/12/2029)."""
    return 2029 if period == Period.P2021_2027.value and commitment == 2027 else commitment + 3


def due_share(period: str, year: int) -> tuple[float, int] | None:
    """(share of the allocation that must be claimed by 31/12/``year``, latest commitment year
    concerned), with equal annual tranches; None before the first deadline."""
    years = list(COMMITMENT_YEARS[period])
    due = [y for y in years if deadline_year(period, y) <= year]
    return (len(due) / len(years), due[-1]) if due else None


def _finding(
    rule: Rule, line: pd.Series, value: float, expected: float, **message: Any
) -> dict[str, Any]:
    fund = str(line["fund"])
    return aggregate(
        rule,
        "programme",
        programme=str(line["cci"]),
        region=line["region"],
        source=line["source"],
        field="eu_amount",
        value=round(value, 9),
        expected=expected,
        count=int(line["count"]),
        message={
            "fund": (FUND_NAMES_FR.get(fund, fund), fund),
            "value": pct(value),
            "expected": pct(expected, 0),
            "selected": eur(float(line["selected"])),
            "allocation": eur(float(line["allocation"])),
            **message,
        },
    )


class OverprogrammingParameters(Parameters):
    """When a programme has selected more than it may spend."""

    overprogramming_threshold: float = Field(
        1.0,
        gt=0,
        description="Share of the programme's EU allocation selected from which it "
        "is overprogrammed (1.0 = 100 %)",
    )


class LateProgressParameters(Parameters):
    """From which year a low selection rate becomes a decommitment risk."""

    progress_late_year_2021_2027: int = Field(
        2027, ge=2021, le=2035, description="Year from which 2021-2027 programmes are judged late"
    )
    progress_late_year_2014_2020: int = Field(
        2020, ge=2014, le=2030, description="Year from which 2014-2020 programmes are judged late"
    )


@register
class Overprogramming(GatheringCheck):
    """Selected EU amount above the programme's allocation for the fund (warning)."""

    reads: ClassVar[frozenset[str]] = frozenset()

    sums: ClassVar[tuple[str, ...]] = ("_eu",)

    rule: ClassVar[Rule] = Rule(
        id="eu.progress.overprogramming",
        severity=Severity.WARNING,
        origin="check",
        scope="programme",
        family="progress",
        status="C",
        title_fr="Surprogrammation : sélection au-delà de la dotation UE",
        title_en="Over-programming: selection above the EU allocation",
        message_fr=(
            "Programme {programme}, {fund} : {selected} d'UE sélectionnés sur {count} opérations, "
            "soit {value} de la dotation ({allocation}), au-delà de {expected}."
        ),
        message_en=(
            "Programme {programme}, {fund}: {selected} of EU support selected over {count} "
            "operations, {value} of the allocation ({allocation}), above {expected}."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 22 and Annex V (financial plan); Partnership Agreement",
    )
    parameters: ClassVar[type[Parameters]] = OverprogrammingParameters

    def gather(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The operations of a programme, fund and period, with their EU amount."""
        return selected(data)

    def judge(
        self, ops: pd.DataFrame, reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        threshold = settings(self, parameters)["overprogramming_threshold"]
        rows = []
        for _, line in selections(ops, reference).iterrows():
            rate = line["selected"] / line["allocation"]
            if rate > threshold:
                rows.append(_finding(self.rule, line, rate, threshold))
        return findings_frame(rows)


@register
class DecommitmentRisk(GatheringCheck):
    """Late in the period, a selection rate below what n+3 requires to be claimed (warning)."""

    reads: ClassVar[frozenset[str]] = frozenset()

    sums: ClassVar[tuple[str, ...]] = ("_eu",)

    rule: ClassVar[Rule] = Rule(
        id="eu.progress.decommitment_risk",
        severity=Severity.WARNING,
        origin="check",
        scope="programme",
        family="progress",
        status="V",
        title_fr="Sélection insuffisante : risque de dégagement d'office (n+3)",
        title_en="Low selection: risk of decommitment (n+3)",
        message_fr=(
            "Programme {programme}, {fund} : {selected} d'UE sélectionnés, soit {value} de la "
            "dotation ({allocation}), sous les {expected} à déclarer avant le {date} "
            "(n+3 des engagements jusqu'à {year}, tranches annuelles égales)."
        ),
        message_en=(
            "Programme {programme}, {fund}: {selected} of EU support selected, {value} of the "
            "allocation ({allocation}), below the {expected} to be claimed by {date} "
            "(n+3 of the commitments up to {year}, equal annual tranches)."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 105; CPR (EU) 1303/2013 Art 136",
    )
    parameters: ClassVar[type[Parameters]] = LateProgressParameters

    def gather(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The operations of a programme, fund and period, with their EU amount."""
        return selected(data)

    def judge(
        self, ops: pd.DataFrame, reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        params = settings(self, parameters)
        year = as_of(parameters).year
        rows = []
        for _, line in selections(ops, reference).iterrows():
            late = params[f"progress_late_year_{str(line['period']).replace('-', '_')}"]
            due = due_share(str(line["period"]), year)
            if year < late or due is None:
                continue
            share, covered = due
            rate = line["selected"] / line["allocation"]
            if rate < share:
                row = _finding(
                    self.rule, line, rate, round(share, 9), date=f"31/12/{year}", year=str(covered)
                )
                row["legal_basis"] = LEGAL[str(line["period"])]
                rows.append(row)
        return findings_frame(rows)
