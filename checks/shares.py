"""Shares of a fund's selected EU amounts: the shared machinery of the concentration, ring-fence
and climate checks (2021-2027).

Each share is Σ EU amount of the operations that count / Σ EU amount of the fund's operations,
technical assistance (Annex I fields 179-182) and Interreg excluded. The rules fix the share of the
programmed resources; on a list of operations the share is an indicator of where the selection is
heading, so every shortfall is a warning, and the message states how much of the allocation the
selection covers (reference: Partnership Agreement Table 9B).

Where meaningful only: a share is assessed on at least ``concentration_min_operations`` (30)
operations whose EU amounts reach ``concentration_min_coverage`` (10 %) of the allocation of the
scope (programme, or all programmes), and a national share only when the programmes in the data
also hold ``concentration_national_coverage`` (95 %) of the national allocation of the fund. A
selection of a few percent of the allocation (early in the period, or a sample such as the demo)
says little about where the programme's money will go; a regional list says nothing about a
national ring-fence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from pydantic import Field

from fundcheck.checks import derived
from fundcheck.checks.base import Parameters
from fundcheck.checks.findings import aggregate, eur, pct, programme_region
from fundcheck.checks.frames import allocation, amounts, national_coverage, operations, shared
from fundcheck.checks.gathered import ROWS
from fundcheck.model import PERIOD, Period, RecordSet, Rule, Scope, Severity
from fundcheck.reference import Reference
from fundcheck.reference.targets import ThematicTarget, table9b_lines

P2021 = Period.P2021_2027.value
BASE_COLUMNS = (
    "programme_cci", "fund", "specific_objective", "policy_objective", "intervention_field",
    "eu_amount",
)  # fmt: skip
COLUMNS = (
    "programme_cci", "fund", "specific_objective", "policy_objective", "intervention_field",
    "nuts_code", "operation_department", "operation_postcode", "category_of_region", "eu_amount",
)  # fmt: skip


class CoverageParameters(Parameters):
    """When a list covers enough of a fund's programming to measure its shares."""

    concentration_min_operations: int = Field(
        30,
        ge=0,
        description="Operations of a fund a programme needs before its shares are measured",
    )
    concentration_min_coverage: float = Field(
        0.10, ge=0, le=1, description="Share of the programme's allocation the list must cover"
    )
    concentration_national_coverage: float = Field(
        0.95,
        ge=0,
        le=1,
        description="Share of the national allocation the list must cover "
        "before a Member-State-level target is measured",
    )


CATEGORY_PLURALS = {
    "more_developed": ("régions plus développées", "more developed regions"),
    "transition": ("régions en transition", "transition regions"),
    "less_developed": ("régions moins développées", "less developed regions"),
}
MESSAGE_FR = (
    "{where}{category} : part des montants UE {fund} (hors assistance technique) sur {what} = "
    "{value} sur {count} opérations, sous le minimum de {expected} ; la sélection couvre "
    "{coverage} de la dotation {fund}."
)
MESSAGE_EN = (
    "{where}{category}: share of {fund} EU amounts (technical assistance excluded) on {what} = "
    "{value} over {count} operations, below the {expected} minimum; the selection covers "
    "{coverage} of the {fund} allocation."
)


def fund_operations(
    data: Mapping[str, RecordSet], reference: Reference, fund: str, columns: tuple[str, ...]
) -> pd.DataFrame:
    """2021-2027 operations of a fund (not Interreg, not technical assistance) with an EU amount
    (``_eu``) and their policy objective (``_po``); derived once per run for each fund and set
    of columns (the climate checks, the ring fences and the concentration share them)."""
    return shared(
        data, ("fund_operations", fund, columns), lambda: _fund_operations(data, fund, columns)
    )


def _fund_operations(
    data: Mapping[str, RecordSet], fund: str, columns: tuple[str, ...]
) -> pd.DataFrame:
    ops = operations(data, (*BASE_COLUMNS, *columns))
    ops["_eu"] = amounts(ops, "eu_amount")
    ops["_cci"] = derived.text(data, "programme_cci").fillna("")
    keep: pd.Series = (
        (ops[PERIOD] == P2021)
        & (derived.text(data, "fund") == fund).fillna(False)
        & ~ops["_cci"].str[4:6].eq("TC")
        & ~derived.technical_assistance(data)
        & ops["_eu"].notna()
    )
    ops = ops[keep].copy()
    ops["_po"] = derived.policy_objectives(data).loc[ops.index]
    return ops


def operations_in(lines: pd.DataFrame) -> int:
    """The operations gathered lines stand for (``checks.gathered.summed``)."""
    return int(lines[ROWS].sum())


def coverage(
    ops: pd.DataFrame,
    reference: Reference,
    fund: str,
    programme: str | None,
    params: Mapping[str, Any],
    category: str | None = None,
) -> float | None:
    """Σ EU of ``ops`` (gathered lines) / allocation of the scope (a programme or all national
    programmes, for a category of region when given) when the scope is meaningful (module
    docstring), else None."""
    total = float(ops["_eu"].sum())
    if operations_in(ops) < params["concentration_min_operations"] or total <= 0:
        return None
    if programme:
        ccis = [programme]
    else:
        present = ops["_cci"].unique()
        held = national_coverage(reference, P2021, fund, present)
        if held < params["concentration_national_coverage"]:
            return None
        ccis = [c for c, p in reference.programmes.items() if p.period.value == P2021]
    outermost = bool(ops["_outermost"].any()) if "_outermost" in ops else False
    allocated = category_allocation(ccis, fund, category, outermost) if category else 0.0
    allocated = allocated or sum(allocation(reference, cci, fund) or 0.0 for cci in ccis)
    if not allocated or total / allocated < params["concentration_min_coverage"]:
        return None
    return total / allocated


def category_allocation(ccis: list[str], fund: str, category: str, outermost: bool) -> float:
    """Σ EU of the Table 9B lines of the programmes for a fund and category of region (with the
    additional outermost allocation when the operations are in outermost regions)."""
    wanted = {category, "outermost"} if outermost else {category}
    chosen = set(ccis)
    return sum(
        line.eu_contribution
        for line in table9b_lines()
        if line.cci in chosen and line.fund == fund and line.category in wanted
    )


def where(programme: str | None) -> tuple[str, str]:
    """The scope of a finding, in words."""
    if programme:
        return f"Programme {programme}", f"Programme {programme}"
    return "Ensemble des programmes", "All programmes"


def share_finding(
    rule: Rule,
    ops: pd.DataFrame,
    counted: pd.Series,
    target: ThematicTarget,
    reference: Reference,
    *,
    fund: str,
    what: tuple[str, str],
    covered: float,
    programme: str | None = None,
    category: str | None = None,
) -> dict[str, Any] | None:
    """A finding when Σ EU of ``counted`` operations / Σ EU of ``ops`` is below the target."""
    total = float(ops["_eu"].sum())
    if target.threshold is None or total <= 0:
        return None
    share = float(ops.loc[counted, "_eu"].sum()) / total
    if share >= target.threshold:
        return None
    fund_fr = {"ERDF": "FEDER", "ESF+": "FSE+"}.get(fund, fund)
    label = CATEGORY_PLURALS.get(category or "")
    return aggregate(
        rule,
        "programme" if programme else "dataset",
        programme=programme,
        region=programme_region(ops, programme, reference) if programme else None,
        field="eu_amount",
        value=round(share, 9),
        expected=target.threshold,
        count=operations_in(ops),
        legal_basis=target.legal_basis,
        message={
            "where": where(programme),
            "category": (f", {label[0]}", f", {label[1]}") if label else "",
            "fund": (fund_fr, fund),
            "what": what,
            "value": pct(share),
            "expected": pct(target.threshold, 0),
            "coverage": pct(covered),
            "eu": eur(total),
        },
    )


def share_rule(
    rule_id: str, title_fr: str, title_en: str, basis: str, scope: Scope = "programme"
) -> Rule:
    """The catalogue entry of a share rule (a warning; the shared message)."""
    return Rule(
        id=rule_id,
        severity=Severity.WARNING,
        origin="check",
        scope=scope,
        family="concentration",
        status="V",
        title_fr=title_fr,
        title_en=title_en,
        message_fr=MESSAGE_FR,
        message_en=MESSAGE_EN,
        legal_basis=basis,
    )
