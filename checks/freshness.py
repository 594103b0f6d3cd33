"""Publication freshness: the list of operations must be updated at least every 4 months.

CPR 2021/1060 Art 49(3) (2021-2027, verified); CPR 1303/2013 Art 115(2) gives 6 months for
2014-2020 (unverified: a warning either way). The edition date of each source is the date in its
file name (``20260316_liste_operations…``: eight digits YYYYMMDD), else the latest "date of last
update" cell (Annex XII field of 2014-2020 lists). The list is stale when the assessment date
(``parameters["as_of"]``, today when absent) is later than the edition date plus the interval:
one warning per source (``eu.publication.freshness``); a source whose edition date cannot be found
gets one information finding (``eu.publication.edition_date_unknown``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd
from pydantic import Field

from fundcheck.checks.base import Parameters, as_of, register, settings
from fundcheck.checks.findings import aggregate
from fundcheck.findings import findings_frame
from fundcheck.model import PERIOD, Period, RecordSet, Rule, Severity
from fundcheck.reference import Reference
from fundcheck.stored_columns import column, has_column

_DATED = re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)")
LEGAL = {
    Period.P2021_2027.value: "CPR (EU) 2021/1060 Art 49(3)",
    Period.P2014_2020.value: "CPR (EU) 1303/2013 Art 115(2)",
}


def edition_date(record_set: RecordSet) -> dt.date | None:
    """The edition date of a source: YYYYMMDD in its file name, else its latest update date."""
    for match in _DATED.finditer(record_set.provenance.name):
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    if has_column(record_set, "last_update_date"):
        latest = pd.to_datetime(column(record_set, "last_update_date"), errors="coerce").max()
        if pd.notna(latest):
            return pd.Timestamp(latest).date()
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day if it has fewer)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


class FreshnessParameters(Parameters):
    """How often a list of operations must be updated."""

    update_interval_months_2021_2027: int = Field(
        4, gt=0, description="Months between updates, 2021-2027 (CPR Art 49(3): every 4 months)"
    )
    update_interval_months_2014_2020: int = Field(
        6,
        gt=0,
        description="Months between updates, 2014-2020 (CPR 1303/2013 Art 115(2): "
        "at least every 6 months)",
    )


@register
class PublicationFreshness:
    """The list is older than the legal update interval (4 months; 6 for 2014-2020)."""

    reads: ClassVar[frozenset[str]] = frozenset()

    links: ClassVar[tuple[str, ...] | None] = None

    rule: ClassVar[Rule] = Rule(
        id="eu.publication.freshness",
        severity=Severity.WARNING,
        origin="check",
        scope="dataset",
        family="transparency",
        status="V",
        title_fr="Liste des opérations non mise à jour dans le délai légal",
        title_en="List of operations not updated within the legal interval",
        message_fr=(
            "Édition du {value} ({source}) : la liste doit être mise à jour au moins tous les "
            "{months} mois ; la suivante était due le {expected}, au {as_of} elle a {late} jours "
            "de retard."
        ),
        message_en=(
            "Edition of {value} ({source}): the list must be updated at least every {months} "
            "months; the next one was due on {expected}, as of {as_of} it is {late} days late."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 49(3)",
    )
    parameters: ClassVar[type[Parameters]] = FreshnessParameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        params = settings(self, parameters)
        today = as_of(parameters)
        rows = []
        for name, record_set in data.items():
            edition = edition_date(record_set)
            if edition is None or edition > today:
                continue
            periods = (
                set(column(record_set, PERIOD).dropna().astype(str))
                if has_column(record_set, PERIOD)
                else set()
            )
            period = (
                Period.P2014_2020.value
                if periods == {Period.P2014_2020.value}
                else Period.P2021_2027.value
            )
            months = params[f"update_interval_months_{period.replace('-', '_')}"]
            due = add_months(edition, months)
            if today <= due:
                continue
            rows.append(
                aggregate(
                    self.rule,
                    "dataset",
                    source=name,
                    value=edition.isoformat(),
                    expected=due.isoformat(),
                    count=(today - due).days,
                    legal_basis=LEGAL[period],
                    message={
                        "source": name,
                        "months": months,
                        "as_of": today.isoformat(),
                        "late": (today - due).days,
                    },
                )
            )
        return findings_frame(rows)


@register
class EditionDateUnknown:
    """No edition date in the file name nor in the data: freshness cannot be assessed."""

    reads: ClassVar[frozenset[str]] = frozenset()

    links: ClassVar[tuple[str, ...] | None] = None

    rule: ClassVar[Rule] = Rule(
        id="eu.publication.edition_date_unknown",
        severity=Severity.INFO,
        origin="check",
        scope="dataset",
        family="transparency",
        status="V",
        title_fr="Date d'édition de la liste inconnue",
        title_en="Edition date of the list unknown",
        message_fr=(
            "Aucune date d'édition dans le nom du fichier {source} (AAAAMMJJ) ni dans les "
            "données : la fraîcheur de la publication (mise à jour tous les 4 mois) n'est pas "
            "vérifiée."
        ),
        message_en=(
            "No edition date in the name of {source} (YYYYMMDD) nor in the data: the freshness "
            "of the publication (update every 4 months) is not checked."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 49(3)",
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        return findings_frame(
            aggregate(
                self.rule,
                "dataset",
                source=name,
                value=None,
                expected="YYYYMMDD",
                message={"source": name},
            )  # fmt: skip
            for name, record_set in data.items()
            if edition_date(record_set) is None
        )
