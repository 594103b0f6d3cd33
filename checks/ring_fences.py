"""National ring-fences of ESF+ and ERDF (2021-2027), on the selected operations.

* ``eu21.concentration.esf_social_inclusion``: ESF+ on social inclusion (ESO4.8 to ESO4.12) ≥ 25 %
  of the Member State's ESF+ (ESF+ Reg. 2021/1057 Art 7).
* ``eu21.concentration.esf_material_deprivation``: ESF+ on material deprivation (ESO4.13) ≥ 3 %
  (idem).

The ERDF share for sustainable urban development (≥ 8 %, ERDF Reg. 2021/1058 Art 11) is not
checked: the lists of operations publish no territorial delivery mechanism, and the Annex I labels
of those codes are unverified; the rule returns to the catalogue when data carries them.

National level only, and only when the data holds the programmes of the nation (``checks.shares``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd

from fundcheck.checks.base import GatheringCheck, Parameters, register, settings
from fundcheck.checks.frames import text
from fundcheck.checks.shares import (
    COLUMNS,
    CoverageParameters,
    coverage,
    fund_operations,
    share_finding,
    share_rule,
)
from fundcheck.findings import findings_frame
from fundcheck.model import RecordSet, Rule
from fundcheck.reference import Reference
from fundcheck.reference.targets import thematic_targets


class _NationalShare(GatheringCheck):
    """A national ring-fence: Σ EU on some specific objectives / Σ EU of the fund ≥ target."""

    reads: ClassVar[frozenset[str]] = frozenset(
        {"fund_operations", "policy_objectives", "technical_assistance", "text"}
    )

    sums: ClassVar[tuple[str, ...]] = ("_eu",)

    rule: ClassVar[Rule]
    parameters: ClassVar[type[Parameters]] = CoverageParameters
    fund: ClassVar[str]
    target: ClassVar[str]
    what: ClassVar[tuple[str, str]]

    def counted(self, ops: pd.DataFrame) -> pd.Series:
        """The operations that count towards the share (each from its own cells)."""
        raise NotImplementedError

    def gather(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The fund's operations of the shares: programme, EU amount, whether it counts."""
        ops = fund_operations(data, reference, self.fund, COLUMNS)
        return ops[["_cci", "_eu"]].assign(_counted=self.counted(ops))

    def judge(
        self, ops: pd.DataFrame, reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        params = settings(self, parameters)
        covered = coverage(ops, reference, self.fund, None, params)
        if covered is None:
            return findings_frame()
        row = share_finding(
            self.rule, ops, ops["_counted"], thematic_targets()[self.target], reference,
            fund=self.fund, what=self.what, covered=covered,
        )  # fmt: skip
        return findings_frame([row] if row else [])


@register
class EsfSocialInclusion(_NationalShare):
    """ESF+ on social inclusion (ESO4.8 to ESO4.12) ≥ 25 % of the Member State's ESF+."""

    rule: ClassVar[Rule] = share_rule(
        "eu21.concentration.esf_social_inclusion",
        "Concentration FSE+ sur l'inclusion sociale (25 %) non atteinte",
        "ESF+ concentration on social inclusion (25 %) not reached",
        "ESF+ Reg (EU) 2021/1057 Art 7",
        "dataset",
    )
    fund = "ESF+"
    target = "TC21-ESF-INCLUSION"
    what = ("l'inclusion sociale (ESO4.8 à ESO4.12)", "social inclusion (ESO4.8 to ESO4.12)")
    INCLUSION = frozenset({"ESO4.8", "ESO4.9", "ESO4.10", "ESO4.11", "ESO4.12"})

    def counted(self, ops: pd.DataFrame) -> pd.Series:
        return text(ops, "specific_objective").isin(list(self.INCLUSION)).fillna(False)


@register
class EsfMaterialDeprivation(_NationalShare):
    """ESF+ on material deprivation (ESO4.13) ≥ 3 % of the Member State's ESF+."""

    rule: ClassVar[Rule] = share_rule(
        "eu21.concentration.esf_material_deprivation",
        "Concentration FSE+ sur la privation matérielle (3 %) non atteinte",
        "ESF+ concentration on material deprivation (3 %) not reached",
        "ESF+ Reg (EU) 2021/1057 Art 7",
        "dataset",
    )
    fund = "ESF+"
    target = "TC21-ESF-DEPRIVATION"
    what = ("la privation matérielle (ESO4.13)", "material deprivation (ESO4.13)")

    def counted(self, ops: pd.DataFrame) -> pd.Series:
        return (text(ops, "specific_objective") == "ESO4.13").fillna(False)
