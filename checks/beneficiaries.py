"""Beneficiary identity within one list, and ARACHNE-style concentration indicators.

Identity (warnings, anti-fraud risk indicators of CPR 2021/1060 Art 74(1)(c); identifiers of
Annex XVII): one SIREN under several names, one name under several SIRENs. One name with postcodes
in several regions is information only: a university or a national network has establishments in
several regions, and the lists publish no SIRET to tell them from namesakes. One finding per
beneficiary, on its first row, naming the rows.

Concentration (information for the controller's attention, with the figures; never a defect):
per programme and specific objective, the share of the largest beneficiary and the Herfindahl
index of EU amounts when the support is highly concentrated; beneficiaries present in many
programmes; EU amounts clustered just under a threshold (de minimis and similar ceilings).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import Field

from fundcheck.checks import derived
from fundcheck.checks.base import GatheringCheck, Parameters, register, settings
from fundcheck.checks.findings import aggregate, eur, pct, programme_region, records
from fundcheck.checks.frames import operations, text
from fundcheck.checks.gathered import ROWS
from fundcheck.findings import findings_frame
from fundcheck.model import REGION, RecordSet, Rule, Severity
from fundcheck.reference import Reference

_IDENTITY_BASIS = (
    "CPR (EU) 2021/1060 Art 74(1)(c) (fraud risk), Annex XVII (beneficiary name and identifier)"
)


def _siren(ops: pd.DataFrame) -> pd.Series:
    siren = text(ops, "beneficiary_siren")
    from_siret = text(ops, "beneficiary_siret").str[:9]
    return siren.fillna(from_siret)


_SIREN_NAMES = ("SIREN {key} sous {n} noms", "SIREN {key} under {n} names")
_NAME_SIRENS = ("« {key} » sous {n} SIREN", "'{key}' under {n} SIRENs")
_NAME_REGIONS = (
    "« {key} » avec des codes postaux de {n} régions",
    "'{key}' with postcodes in {n} regions",
)


@register
class BeneficiaryIdentity:
    """One beneficiary, several identities (SIREN, name, region of its postcode)."""

    reads: ClassVar[frozenset[str]] = frozenset(
        {"beneficiary_name_keys", "beneficiary_postcode_regions", "text"}
    )

    links: ClassVar[tuple[str, ...] | None] = ("beneficiary",)

    rule: ClassVar[Rule] = Rule(
        id="eu.beneficiary.identity",
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="anti-fraud",
        status="C",
        title_fr="Bénéficiaire à identités multiples dans la liste",
        title_en="Beneficiary with several identities in the list",
        message_fr="{what_fr} (lignes {rows}) : homonymie ou erreur d'identification ?",
        message_en="{what_en} (rows {rows}): a namesake or a wrong identification?",
        legal_basis=_IDENTITY_BASIS,
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        ops = operations(
            data,
            [
                "operation_id", "programme_cci", "beneficiary_name", "beneficiary_siren",
                "beneficiary_siret", "beneficiary_postcode",
            ],
        )  # fmt: skip
        if ops.empty:
            return findings_frame()
        ops = self.prepare(ops, data, reference)
        pieces = [
            self._groups(ops, "_siren", "_name", _SIREN_NAMES, "beneficiary_siren"),
            self._groups(ops, "_name", "_siren", _NAME_SIRENS, "beneficiary_name"),
        ]
        found = [piece for piece in pieces if not piece.empty]
        return findings_frame(pd.concat(found, ignore_index=True)) if found else findings_frame()

    @staticmethod
    def prepare(
        ops: pd.DataFrame, data: Mapping[str, RecordSet], reference: Reference
    ) -> pd.DataFrame:
        """The operations (all of the run's, in ``operations`` order) with their normalised
        name, SIREN and postcode region."""
        return ops.assign(
            _name=derived.name_keys(data),
            _siren=_siren(ops),
            _pc_region=derived.postcode_regions(data, reference),
        )

    def _groups(
        self,
        ops: pd.DataFrame,
        key: str,
        varying: str,
        what: tuple[str, str],
        field: str,
    ) -> pd.DataFrame:
        what_fr, what_en = what
        known = ops.dropna(subset=[key, varying])
        if known.empty:
            return findings_frame()
        counts = known.groupby(key)[varying].nunique()
        several = counts[counts > 1]
        # the groups' rows in key order, each group's in row order: one sort, then slices
        grouped = known[known[key].isin(several.index)].sort_values([key, "_row"], kind="stable")
        if grouped.empty:
            return findings_frame()
        keys = grouped[key].to_numpy(dtype=object)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], len(keys)]
        row_numbers = grouped["_row"].to_numpy(dtype=np.int64)
        names = grouped["beneficiary_name"].to_numpy(dtype=object)
        firsts = grouped.index.to_numpy()[starts].tolist()
        messages = []
        for begin, end in zip(starts.tolist(), ends.tolist(), strict=True):
            value = keys[begin]
            rows = ", ".join(str(r) for r in row_numbers[begin : min(end, begin + 10)].tolist())
            shown = names[begin] if key == "_name" else value
            values = {"key": shown, "n": several[value]}
            messages.append(
                (
                    self.rule.message_fr.format(what_fr=what_fr.format(**values), rows=rows),
                    self.rule.message_en.format(what_en=what_en.format(**values), rows=rows),
                )
            )
        chosen = ops.loc[firsts]
        return records(
            self.rule,
            chosen,
            field=field,
            values=[str(v) for v in chosen[field].astype("string").fillna("")],
            expected="one identity per beneficiary",
            messages=messages,
        )


@register
class BeneficiaryInSeveralRegions(BeneficiaryIdentity):
    """One name with postcodes in several regions: establishments of one body (a university, a
    national network) or namesakes; information, since the lists publish no SIRET to tell."""

    rule: ClassVar[Rule] = Rule(
        id="eu.beneficiary.several_regions",
        severity=Severity.INFO,
        origin="check",
        scope="record",
        family="anti-fraud",
        status="C",
        title_fr="Bénéficiaire présent dans plusieurs régions",
        title_en="Beneficiary present in several regions",
        message_fr="{what_fr} (lignes {rows}) : établissements d'un même organisme ou homonymes.",
        message_en="{what_en} (rows {rows}): establishments of one body, or namesakes.",
        legal_basis=_IDENTITY_BASIS,
    )

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        ops = operations(
            data,
            ["operation_id", "programme_cci", "beneficiary_name", "beneficiary_siren",
             "beneficiary_siret", "beneficiary_postcode"],
        )  # fmt: skip
        if ops.empty:
            return findings_frame()
        ops = self.prepare(ops, data, reference)
        return self._groups(ops, "_name", "_pc_region", _NAME_REGIONS, "beneficiary_postcode")


class RiskParameters(Parameters):
    """Thresholds of the risk indicators (for information, as ARACHNE computes them)."""

    arachne_concentration_min_operations: int = Field(
        5, gt=0, description="Operations a beneficiary needs before its concentration is measured"
    )
    arachne_concentration_hhi: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Herfindahl index of a programme's EU amounts from which "
        "its beneficiaries are said to be concentrated",
    )
    arachne_ubiquitous_programmes: int = Field(
        3,
        gt=0,
        description="Programmes a beneficiary must appear in to be reported as present "
        "in many programmes",
    )
    arachne_threshold_amounts: tuple[Annotated[float, Field(ge=0)], ...] = Field(
        (200000.0, 300000.0),
        description="Procurement or aid thresholds (EUR) near which amounts cluster suspiciously",
    )
    arachne_threshold_band: float = Field(
        0.05, ge=0, lt=1, description="Share below a threshold counted as just under it"
    )
    arachne_threshold_min_operations: int = Field(
        3, gt=0, description="Operations just under a threshold before it is reported"
    )


@register
class ConcentrationIndicators(GatheringCheck):
    """ARACHNE-style indicators: concentrated support, ubiquitous beneficiaries, amounts just
    under a threshold (information, with the figures)."""

    reads: ClassVar[frozenset[str]] = frozenset({"beneficiary_name_keys"})

    sums: ClassVar[tuple[str, ...]] = ("eu_amount",)
    """Concentrated support and amounts under a threshold are judged on the gathered lines
    (``gather``): a programme's sums by objective and beneficiary, its operations by band."""
    pieces: ClassVar[dict[str, tuple[str, ...]]] = {"beneficiaries": ("beneficiary",)}
    """Beneficiaries in many programmes, a piece of its own (``run_piece``): read a shard of
    beneficiaries at a time."""

    rule: ClassVar[Rule] = Rule(
        id="eu.risk.concentration_indicators",
        severity=Severity.INFO,
        origin="check",
        scope="programme",
        family="anti-fraud",
        status="C",
        title_fr="Indicateurs de concentration (type ARACHNE)",
        title_en="Concentration indicators (ARACHNE-style)",
        message_fr="{programme} : {detail_fr}",
        message_en="{programme}: {detail_en}",
        legal_basis=(
            "CPR (EU) 2021/1060 Art 74(1)(c) (effective and proportionate anti-fraud measures; "
            "the Commission's ARACHNE risk-scoring tool)"
        ),
    )
    parameters: ClassVar[type[Parameters]] = RiskParameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        params = settings(self, parameters)
        lines = self.gathered(data, reference, parameters)
        rows: list[dict[str, Any]] = []
        rows += self._concentrated(lines, params, reference)
        rows += self._ubiquitous(self._operations(data), params)
        rows += self._under_threshold(lines, params, reference)
        return findings_frame(rows)

    def gather(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """Of each operation with a programme and a beneficiary: its programme, objective,
        beneficiary, region, EU amount, whether the amount is positive, and where it stands
        against each threshold (-1 just under, 1 just over, else 0)."""
        params = settings(self, parameters)
        ops = self._operations(data)
        amounts = ops["eu_amount"].astype(float)
        columns = [REGION, "programme_cci", "specific_objective", "_name", "beneficiary_name"]
        out = ops[[*columns, "eu_amount"]].assign(
            _positive=(amounts > 0).to_numpy(dtype=bool), _has_eu=amounts.notna().to_numpy()
        )
        band = float(params["arachne_threshold_band"])
        for number, threshold in enumerate(params["arachne_threshold_amounts"]):
            limit = float(threshold)
            under = ((amounts >= limit * (1 - band)) & (amounts < limit)).to_numpy(dtype=bool)
            over = ((amounts >= limit) & (amounts < limit * (1 + band))).to_numpy(dtype=bool)
            out[f"_band_{number}"] = np.select([under, over], [-1, 1], 0).astype(np.int8)
        return out

    def judge(
        self, rows: pd.DataFrame, reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """Concentrated support and amounts under a threshold, from the gathered lines."""
        params = settings(self, parameters)
        found = self._concentrated(rows, params, reference)
        return findings_frame(found + self._under_threshold(rows, params, reference))

    def run_piece(
        self,
        piece: str,
        data: Mapping[str, RecordSet],
        reference: Reference,
        parameters: Mapping[str, Any],
    ) -> pd.DataFrame:
        """The indicators of one of ``pieces``: beneficiaries in many programmes."""
        params = settings(self, parameters)
        return findings_frame(self._ubiquitous(self._operations(data), params))

    @staticmethod
    def _operations(data: Mapping[str, RecordSet]) -> pd.DataFrame:
        ops = operations(
            data, ["programme_cci", "specific_objective", "beneficiary_name", "eu_amount"]
        )
        ops = ops.assign(_name=derived.name_keys(data))
        return ops.dropna(subset=["programme_cci", "_name"])

    def _finding(
        self, programme: str | None, region: str | None, value: Any, detail: tuple[str, str]
    ) -> dict[str, Any]:
        return aggregate(
            self.rule,
            "programme",
            programme=programme,
            region=region,
            value=value,
            expected=None,
            message={
                "programme": programme or "liste",
                "detail_fr": detail[0],
                "detail_en": detail[1],
            },
        )

    def _concentrated(
        self, lines: pd.DataFrame, params: dict[str, Any], reference: Reference
    ) -> list[dict[str, Any]]:
        out = []
        amounts = lines[lines["_positive"] & lines["specific_objective"].notna()]
        keys = ["programme_cci", "specific_objective"]
        amounts = amounts[_may_be_concentrated(amounts, keys, params)]
        for (cci, objective), group in amounts.groupby(keys):
            count = int(group[ROWS].sum())
            if count < params["arachne_concentration_min_operations"]:
                continue
            shares = group.groupby("_name")["eu_amount"].sum() / group["eu_amount"].sum()
            hhi = float((shares**2).sum())
            if hhi < params["arachne_concentration_hhi"]:
                continue
            top = shares.sort_values(ascending=False)
            share_fr, share_en = pct(float(top.iloc[0]))
            name = group.loc[group["_name"] == top.index[0], "beneficiary_name"].iloc[0]
            hhi_fr = f"{hhi:.2f}".replace(".", ",")
            detail = (
                f"{objective}, {count} opérations, {len(shares)} bénéficiaires : le premier "
                f"({name}) reçoit {share_fr} du montant UE ; indice de Herfindahl {hhi_fr}",
                f"{objective}, {count} operations, {len(shares)} beneficiaries: the largest "
                f"({name}) receives {share_en} of the EU amount; Herfindahl index {hhi:.2f}",
            )
            region = programme_region(group, str(cci), reference)
            out.append(self._finding(str(cci), region, round(hhi, 4), detail))
        return out

    def _ubiquitous(self, ops: pd.DataFrame, params: dict[str, Any]) -> list[dict[str, Any]]:
        counts = ops.groupby("_name")["programme_cci"].nunique()
        many = counts[counts >= params["arachne_ubiquitous_programmes"]]
        out = []
        chosen = ops[ops["_name"].isin(many.index)]
        names = chosen.groupby("_name")["beneficiary_name"].first()
        in_programmes = chosen.groupby("_name")["programme_cci"].unique()
        for key, n in many.items():
            name = names[key]
            programmes = ", ".join(sorted(in_programmes[key]))
            detail = (
                f"« {name} » est bénéficiaire dans {n} programmes ({programmes})",
                f"'{name}' is a beneficiary in {n} programmes ({programmes})",
            )
            out.append(self._finding(None, None, int(n), detail))
        return out

    def _under_threshold(
        self, lines: pd.DataFrame, params: dict[str, Any], reference: Reference
    ) -> list[dict[str, Any]]:
        out = []
        band = float(params["arachne_threshold_band"])
        for cci, group in lines[lines["_has_eu"]].groupby("programme_cci"):
            for number, threshold in enumerate(params["arachne_threshold_amounts"]):
                limit = float(threshold)
                where = group[f"_band_{number}"]
                under = int(group.loc[where == -1, ROWS].sum())
                over = int(group.loc[where == 1, ROWS].sum())
                if under < params["arachne_threshold_min_operations"] or under <= 2 * over:
                    continue
                limit_fr, limit_en = eur(limit)
                detail = (
                    f"{under} opérations ont un montant UE juste sous {limit_fr} "
                    f"(dans les {band:.0%} en dessous), contre {over} juste au-dessus",
                    f"{under} operations have an EU amount just under {limit_en} "
                    f"(within {band:.0%} below), against {over} just above",
                )
                region = programme_region(group, str(cci), reference)
                out.append(self._finding(str(cci), region, under, detail))
        return out


HHI_MARGIN = 1e-9
"""How far under the threshold a Herfindahl index computed for all groups at once may fall and
still be computed again group by group (the sums may differ in their last bits)."""


def _may_be_concentrated(
    amounts: pd.DataFrame, keys: list[str], params: Mapping[str, Any]
) -> np.ndarray:
    """The rows of the (programme, specific objective) groups that may reach the thresholds of
    concentrated support: the size and Herfindahl index of every group at once, so that only
    those groups are looked at one by one (there, exactly as reported)."""
    if amounts.empty:
        return np.zeros(0, dtype=bool)
    by_group = amounts.groupby(keys, sort=False)
    size = by_group[ROWS].transform("sum").to_numpy()
    total = by_group["eu_amount"].transform("sum").to_numpy()
    per_name = amounts.groupby([*keys, "_name"], sort=False)["eu_amount"].transform("sum")
    first_of_name = ~amounts.duplicated([*keys, "_name"]).to_numpy()
    squares = np.where(first_of_name, (per_name.to_numpy() / total) ** 2, 0.0)
    hhi = (
        pd.Series(squares, index=amounts.index)
        .groupby([amounts[key] for key in keys], sort=False)
        .transform("sum")
    )
    enough = size >= params["arachne_concentration_min_operations"]
    concentrated = hhi.to_numpy() >= params["arachne_concentration_hhi"] - HHI_MARGIN
    kept: np.ndarray = np.logical_and(enough, concentrated)
    return kept
