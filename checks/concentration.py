"""ERDF thematic concentration on policy objectives 1 and 2 (2021-2027), on the selected operations.

``eu21.concentration.erdf_policy_objectives`` (ERDF Reg. 2021/1058 Art 4, category option): more
developed regions PO1+PO2 ≥ 85 % and PO2 ≥ 30 % of ERDF; transition regions PO1 ≥ 40 % and PO2 ≥
30 %; less developed regions PO1 ≥ 25 % and PO2 ≥ 30 %. Assessed per programme × category of
region (the operation's, see ``checks.categories``), and over all programmes per category (the
national level), where meaningful (``checks.shares``). The regulation sets the target at national
or category-of-region level: the national result is a warning naming the selection's coverage of
the allocation, a programme's result is information only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pandas as pd

from fundcheck.checks import derived
from fundcheck.checks.base import GatheringCheck, Parameters, register, settings
from fundcheck.checks.findings import for_information
from fundcheck.checks.shares import (
    COLUMNS,
    CoverageParameters,
    coverage,
    fund_operations,
    share_finding,
    share_rule,
)
from fundcheck.findings import findings_frame
from fundcheck.model import REGION, RecordSet, Rule
from fundcheck.reference import Reference
from fundcheck.reference.targets import thematic_targets

ERDF_TARGETS: Mapping[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "more_developed": (
        ("TC21-ERDF-MDR-PO1PO2", frozenset({"1", "2"})),
        ("TC21-ERDF-MDR-PO2", frozenset({"2"})),
    ),
    "transition": (
        ("TC21-ERDF-TR-PO1", frozenset({"1"})),
        ("TC21-ERDF-TR-PO2", frozenset({"2"})),
    ),
    "less_developed": (
        ("TC21-ERDF-LDR-PO1", frozenset({"1"})),
        ("TC21-ERDF-LDR-PO2", frozenset({"2"})),
    ),
}


@register
class ErdfPolicyObjectives(GatheringCheck):
    """ERDF concentration on PO1 (smarter Europe) and PO2 (greener Europe) by category."""

    reads: ClassVar[frozenset[str]] = frozenset({"categories", "fund_operations"})

    sums: ClassVar[tuple[str, ...]] = ("_eu",)

    rule: ClassVar[Rule] = share_rule(
        "eu21.concentration.erdf_policy_objectives",
        "Concentration thématique FEDER (OS1 / OS2) non atteinte",
        "ERDF thematic concentration (PO1 / PO2) not reached",
        "ERDF Reg (EU) 2021/1058 Art 4",
    )
    parameters: ClassVar[type[Parameters]] = CoverageParameters

    def gather(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The ERDF operations of a category with targets: programme, category of region,
        policy objective and EU amount."""
        ops = fund_operations(data, reference, "ERDF", COLUMNS)
        found = derived.categories(data, reference).loc[ops.index]
        ops["_category"], ops["_outermost"] = found["category"], found["outermost"]
        ops = ops[ops["_category"].isin(list(ERDF_TARGETS))]
        return ops[[REGION, "_cci", "_category", "_outermost", "_po", "_eu"]]

    def judge(
        self, rows: pd.DataFrame, reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        params = settings(self, parameters)
        targets = thematic_targets()
        found = []
        for cci, category, part in _groups(rows):
            covered = coverage(part, reference, "ERDF", cci, params, category)
            if covered is None:
                continue
            for target_id, objectives in ERDF_TARGETS[category]:
                names = " + ".join(f"OS{o}" for o in sorted(objectives))
                row = share_finding(
                    self.rule,
                    part,
                    part["_po"].isin(list(objectives)).fillna(False),
                    targets[target_id],
                    reference,
                    fund="ERDF",
                    what=(names, names.replace("OS", "PO")),
                    covered=covered,
                    programme=cci,
                    category=category,
                )
                if row:
                    found.append(for_information(row) if cci else row)
        return findings_frame(found)


def _groups(ops: pd.DataFrame) -> Iterator[tuple[str | None, str, pd.DataFrame]]:
    """Each programme's operations by category of region, then, with several programmes, the
    whole list's by category (national): one group at a time, not all of them held at once."""
    for (cci, category), part in ops.groupby(["_cci", "_category"]):
        yield str(cci), str(category), part
    if ops["_cci"].nunique() > 1:
        for category, part in ops.groupby("_category"):
            yield None, str(category), part
