"""Dates of an operation against the edition of the list and against each other.

- A first convention / selection date later than the edition date of the list cannot have been
  known when the list was published (``eu.dates.selection_after_edition``): a typing error, or a
  list dated wrongly. The edition date is the one of ``freshness.edition_date`` (YYYYMMDD in the
  file name, else the latest update date).
- An operation whose end date is before its selection date
  (``eu.dates.completed_before_selection``): CPR 2021/1060 Art 63(6) excludes operations
  physically completed or fully implemented before the *application* was submitted, a date the
  lists do not publish. French lists give the date of the first grant agreement, often signed
  after a short operation ended (51 of 180 operations in the real 2021-2027 extract, most of them
  2021-2022 operations conventioned in 2023-2024 as the programmes started late): information
  pointing to the check to make, never a defect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd

from fundcheck.checks.base import Parameters, register
from fundcheck.checks.findings import records
from fundcheck.checks.frames import operations
from fundcheck.checks.freshness import edition_date
from fundcheck.findings import findings_frame
from fundcheck.model import RecordSet, Rule, Severity
from fundcheck.reference import Reference
from fundcheck.stored_columns import has_column


def _day(value: Any) -> str:
    return pd.Timestamp(value).date().isoformat()


@register
class SelectionAfterEdition:
    """The first convention (selection) date is later than the edition of the list."""

    reads: ClassVar[frozenset[str]] = frozenset()

    links: ClassVar[tuple[str, ...] | None] = None

    rule: ClassVar[Rule] = Rule(
        id="eu.dates.selection_after_edition",
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="consistency",
        status="V",
        title_fr="Date de sélection postérieure à l'édition de la liste",
        title_en="Selection date after the edition of the list",
        message_fr=(
            "Date de première convention / sélection ({value}) postérieure à l'édition de la "
            "liste ({expected}) : erreur de saisie ou liste mal datée ?"
        ),
        message_en=(
            "First convention / selection date ({value}) after the edition of the list "
            "({expected}): a typing error, or a list dated wrongly?"
        ),
        legal_basis="CPR (EU) 2021/1060 Art 49(3) (list of the operations selected)",
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        pieces = []
        for name, record_set in data.items():
            edition = edition_date(record_set)
            if edition is None or not has_column(record_set, "selection_date"):
                continue
            ops = operations(
                {name: record_set}, ["operation_id", "programme_cci", "selection_date"]
            )
            selected = pd.to_datetime(ops["selection_date"], errors="coerce")
            late = ops[(selected > pd.Timestamp(edition)).to_numpy(dtype=bool)]
            values = [_day(v) for v in late["selection_date"]]
            pieces.append(
                records(
                    self.rule,
                    late,
                    field="selection_date",
                    values=values,
                    expected=edition.isoformat(),
                    messages=[_messages(self.rule, value, edition.isoformat()) for value in values],
                    labels=record_set.column_labels,
                )
            )
        return findings_frame(pd.concat(pieces, ignore_index=True)) if pieces else findings_frame()


@register
class CompletedBeforeSelection:
    """The operation ends before it was selected (completed before selection)."""

    reads: ClassVar[frozenset[str]] = frozenset()

    links: ClassVar[tuple[str, ...] | None] = ()

    rule: ClassVar[Rule] = Rule(
        id="eu.dates.completed_before_selection",
        severity=Severity.INFO,
        origin="check",
        scope="record",
        family="consistency",
        status="U",
        title_fr="Opération achevée avant sa première convention",
        title_en="Operation completed before its first grant agreement",
        message_fr=(
            "Date de fin ({value}) antérieure à la date de sélection / première convention "
            "({expected}) : vérifier que la demande d'aide a été déposée avant l'achèvement."
        ),
        message_en=(
            "End date ({value}) before the selection / first grant agreement date ({expected}): "
            "check that the application was submitted before the operation was completed."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 63(6); CPR (EU) No 1303/2013 Art 65(6)",
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        ops = operations(data, ["operation_id", "programme_cci", "end_date", "selection_date"])
        end = pd.to_datetime(ops["end_date"], errors="coerce")
        selected = pd.to_datetime(ops["selection_date"], errors="coerce")
        early = ops[(end < selected).to_numpy(dtype=bool)]
        values = [_day(v) for v in early["end_date"]]
        expected = [_day(v) for v in early["selection_date"]]
        labels = next(iter(data.values())).column_labels if data else {}
        return records(
            self.rule,
            early,
            field="end_date",
            values=values,
            expected=expected,
            messages=[_messages(self.rule, v, e) for v, e in zip(values, expected, strict=True)],
            labels=labels,
        )


def _messages(rule: Rule, value: str, expected: str) -> tuple[str, str]:
    return (
        rule.message_fr.format(value=value, expected=expected),
        rule.message_en.format(value=value, expected=expected),
    )
