"""Climate contribution of the ERDF (2021-2027): Σ EU amount × climate coefficient ≥ 30 % of ERDF.

The coefficient of each operation is the CPR Annex I climate coefficient of its intervention field
(0 %, 40 % or 100 %; reference ``intervention_fields_2021_2027.csv``). Coefficients are never
guessed: an operation whose field has no known coefficient (or with no field) counts 0 % in the
lower bound and 100 % in the upper bound, and an operation with several fields counts its lowest
and highest coefficients. A shortfall is reported only when even the upper bound stays below the
target (``eu21.climate.erdf_contribution``, over all programmes as a warning, since the 30 % target
is a Member State's, and per programme as information only, with the same "meaningful" conditions
as ``checks.shares``); the operations with unknown coefficients are
counted in one information finding (``eu21.climate.unknown_coefficients``) with the coverage.
JTF is counted 100 % climate by its methodology and is not tested; Interreg and technical
assistance are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pandas as pd

from fundcheck.checks import derived
from fundcheck.checks.base import GatheringCheck, Parameters, register, settings
from fundcheck.checks.findings import aggregate, eur, for_information, pct, programme_region
from fundcheck.checks.frames import shared
from fundcheck.checks.gathered import ROWS
from fundcheck.checks.shares import (
    COLUMNS,
    CoverageParameters,
    coverage,
    fund_operations,
    operations_in,
    where,
)
from fundcheck.findings import findings_frame
from fundcheck.model import REGION, RecordSet, Rule, Severity
from fundcheck.reference import Reference
from fundcheck.reference.targets import thematic_targets

TARGET = "TC21-ERDF-CLIMATE"


def climate_bounds(codes: pd.Series, reference: Reference) -> pd.DataFrame:
    """Per operation (of the intervention field ``codes``, ``frames.intervention_codes``):
    ``low`` and ``high`` climate coefficient, and ``unknown`` (a field without a known
    coefficient, or no field)."""
    known = {
        code: field.climate_coefficient
        for code, field in reference.intervention_fields_2021_2027.items()
        if field.climate_coefficient is not None
    }
    found: dict[Any, tuple[float, float, bool]] = {}
    for value in codes.dropna().unique():
        coefs = [known.get(code) for code in value]
        if not coefs:
            found[value] = (0.0, 1.0, True)
            continue
        low = min(0.0 if c is None else c for c in coefs)
        high = max(1.0 if c is None else c for c in coefs)
        found[value] = (low, high, None in coefs)
    bounds = codes.map(lambda v: found.get(v, (0.0, 1.0, True)), na_action="ignore")
    bounds = bounds.where(
        bounds.notna(), pd.Series([(0.0, 1.0, True)] * len(codes), index=codes.index)
    )
    return pd.DataFrame(bounds.tolist(), index=codes.index, columns=["low", "high", "unknown"])


def erdf_operations(data: Mapping[str, RecordSet], reference: Reference) -> pd.DataFrame:
    """The ERDF operations of the shares (``shares.fund_operations``) with their intervention
    field ``_codes`` and climate bounds, derived once for both climate checks."""

    def derive() -> pd.DataFrame:
        ops = fund_operations(data, reference, "ERDF", COLUMNS)
        codes = derived.intervention_codes(data).loc[ops.index]
        return ops.assign(_codes=codes).join(climate_bounds(codes, reference))

    return shared(data, "erdf_climate", derive)


@register
class ErdfClimateContribution(GatheringCheck):
    """ERDF climate contribution (Σ EU × coefficient / Σ EU) ≥ 30 %, per programme and national."""

    reads: ClassVar[frozenset[str]] = frozenset(
        {
            "erdf_climate",
            "fund_operations",
            "intervention_codes",
            "policy_objectives",
            "technical_assistance",
            "text",
        }
    )

    sums: ClassVar[tuple[str, ...]] = ("_eu", "_eu_low", "_eu_high", "_eu_unknown")

    rule: ClassVar[Rule] = Rule(
        id="eu21.climate.erdf_contribution",
        severity=Severity.WARNING,
        origin="check",
        scope="programme",
        family="concentration",
        status="V",
        title_fr="Contribution du FEDER aux objectifs climatiques sous 30 %",
        title_en="ERDF contribution to climate objectives below 30 %",
        message_fr=(
            "{where} : contribution climat des montants UE FEDER sélectionnés entre {low} et "
            "{value} sur {count} opérations ({eu}), sous le minimum de {expected} même en "
            "comptant à 100 % les {unknown} des montants sans coefficient connu."
        ),
        message_en=(
            "{where}: climate contribution of the selected ERDF EU amounts between {low} and "
            "{value} over {count} operations ({eu}), below the {expected} minimum even counting "
            "at 100 % the {unknown} of amounts without a known coefficient."
        ),
        legal_basis="ERDF Reg (EU) 2021/1058; CPR (EU) 2021/1060 Art 6 and Annex I",
    )
    parameters: ClassVar[type[Parameters]] = CoverageParameters

    def gather(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The ERDF operations of the shares: programme, EU amount, and the EU amount times
        each climate bound, and where the coefficient is unknown."""
        ops = erdf_operations(data, reference)
        return pd.DataFrame(
            {
                REGION: ops[REGION],
                "_cci": ops["_cci"],
                "_eu": ops["_eu"],
                "_eu_low": ops["_eu"] * ops["low"],
                "_eu_high": ops["_eu"] * ops["high"],
                "_eu_unknown": ops["_eu"].where(ops["unknown"], 0.0),
            }
        )

    def judge(
        self, ops: pd.DataFrame, reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        params = settings(self, parameters)
        target = thematic_targets()[TARGET]
        if ops.empty or target.threshold is None:
            return findings_frame()
        rows = []
        for cci, part in _groups(ops):
            if coverage(part, reference, "ERDF", cci, params) is None:
                continue
            total = float(part["_eu"].sum())
            high = float(part["_eu_high"].sum()) / total
            if high >= target.threshold:
                continue
            low = float(part["_eu_low"].sum()) / total
            unknown = float(part["_eu_unknown"].sum()) / total
            row = aggregate(
                self.rule,
                "programme" if cci else "dataset",
                programme=cci,
                region=programme_region(part, cci, reference) if cci else None,
                field="intervention_field",
                value=round(high, 9),
                expected=target.threshold,
                count=operations_in(part),
                legal_basis=target.legal_basis,
                message={
                    "where": where(cci),
                    "low": pct(low),
                    "value": pct(high),
                    "expected": pct(target.threshold, 0),
                    "unknown": pct(unknown),
                    "eu": eur(total),
                },
            )
            rows.append(for_information(row) if cci else row)
        return findings_frame(rows)


@register
class ClimateCoefficientsUnknown(GatheringCheck):
    """How much of the ERDF has no known climate coefficient (information, never guessed)."""

    reads: ClassVar[frozenset[str]] = frozenset({"erdf_climate"})

    sums: ClassVar[tuple[str, ...]] = ("_eu",)

    rule: ClassVar[Rule] = Rule(
        id="eu21.climate.unknown_coefficients",
        severity=Severity.INFO,
        origin="check",
        scope="dataset",
        family="concentration",
        status="V",
        title_fr="Coefficient climat inconnu pour certains types d'intervention",
        title_en="Climate coefficient unknown for some intervention fields",
        message_fr=(
            "{count} opérations FEDER ({value} des montants UE) ont un type d'intervention sans "
            "coefficient climat connu (codes {codes}) : la contribution climat est encadrée, "
            "pas calculée ; couverture {coverage}."
        ),
        message_en=(
            "{count} ERDF operations ({value} of EU amounts) have an intervention field without a "
            "known climate coefficient (codes {codes}): the climate contribution is bounded, not "
            "computed; coverage {coverage}."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 6 and Annex I",
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def gather(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The ERDF operations of the shares: EU amount, fields and whether one is unknown."""
        return erdf_operations(data, reference)[["_eu", "unknown", "_codes"]]

    def judge(
        self, ops: pd.DataFrame, reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        total = float(ops["_eu"].sum()) if not ops.empty else 0.0
        if total <= 0:
            return findings_frame()
        unknown = ops["unknown"].astype(bool)
        if not unknown.any():
            return findings_frame()
        known = reference.intervention_fields_2021_2027
        codes = sorted(
            {
                code
                for value in ops.loc[unknown, "_codes"].dropna()
                for code in value
                if known.get(code) is None or known[code].climate_coefficient is None
            }
        )
        share = float(ops.loc[unknown, "_eu"].sum()) / total
        listed = ", ".join(codes[:12]) + (" …" if len(codes) > 12 else "") or "—"
        return findings_frame(
            [
                aggregate(
                    self.rule,
                    "dataset",
                    field="intervention_field",
                    value=round(share, 9),
                    expected=None,
                    count=int(ops.loc[unknown, ROWS].sum()),
                    message={
                        "value": pct(share),
                        "coverage": pct(1 - share),
                        "codes": listed,
                    },
                )
            ]
        )


def _groups(ops: pd.DataFrame) -> Iterator[tuple[str | None, pd.DataFrame]]:
    """Each programme's operations, then, with several programmes, the whole list's
    (national): one group at a time, not all of them held at once."""
    by_programme = ops.groupby("_cci")
    for cci, part in by_programme:
        yield str(cci), part
    if by_programme.ngroups > 1:
        yield None, ops
