"""The canonical model every layer speaks: record fields, severities, rules, findings, run results.

A *record set* is one canonical table read from one source (a list of operations today; CPER
operations or financial tables later). Every source column that fundcheck understands is renamed
to a canonical field below; columns starting with ``_`` are added by fundcheck itself.

Findings stay columnar (a DataFrame with ``FINDING_COLUMNS``) through the pipeline, because a dirty
million-row file can yield hundreds of thousands of them; ``Finding`` objects are built only where
a renderer needs them one by one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from fundcheck.stored_columns import StoredColumns

# --------------------------------------------------------------------------------------------
# Severities, periods, record kinds


class Severity(StrEnum):
    """How serious a finding is.

    ``error`` breaks a verified rule; ``warning`` needs a look (unverified rule, aggregate rule
    with legal exceptions); ``info`` reports what was normalised.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Period(StrEnum):
    """Programming period of an operation (decides which regulation and code lists apply)."""

    P2007_2013 = "2007-2013"  # recognised, not validated: fundcheck has no rules for it
    P2014_2020 = "2014-2020"
    P2021_2027 = "2021-2027"


class RecordKind(StrEnum):
    """What a record set holds. Other kinds (CPER operations, financial tables) come later."""

    OPERATIONS = "operations"
    CPER = "cper"  # CPER follow-up tables (fundcheck.cper_model)


class FieldType(StrEnum):
    TEXT = "text"  # free text, kept as a string
    CODE = "code"  # a code, kept as a normalised string (leading zeros kept)
    DATE = "date"  # datetime64, day precision
    AMOUNT = "amount"  # float, euros
    RATE = "rate"  # float, a fraction in [0, 1] after normalisation


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field of a record kind."""

    name: str
    type: FieldType
    label_fr: str
    label_en: str


OPERATION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("operation_id", FieldType.CODE, "Numéro d'opération", "Operation identifier"),
    FieldSpec("programme_cci", FieldType.CODE, "Code CCI du programme", "Programme CCI"),
    FieldSpec("programme_title", FieldType.TEXT, "Libellé du programme", "Programme title"),
    FieldSpec("priority", FieldType.CODE, "Priorité / axe", "Priority / priority axis"),
    FieldSpec("operation_name", FieldType.TEXT, "Intitulé de l'opération", "Operation name"),
    FieldSpec(
        "operation_summary", FieldType.TEXT, "Objectifs et réalisations", "Purpose and achievements"
    ),
    FieldSpec("beneficiary_name", FieldType.TEXT, "Nom du bénéficiaire", "Beneficiary name"),
    FieldSpec(
        "beneficiary_postcode",
        FieldType.CODE,
        "Code postal du bénéficiaire",
        "Beneficiary postcode",
    ),
    FieldSpec("beneficiary_siren", FieldType.CODE, "SIREN du bénéficiaire", "Beneficiary SIREN"),
    FieldSpec("beneficiary_siret", FieldType.CODE, "SIRET du bénéficiaire", "Beneficiary SIRET"),
    FieldSpec(
        "beneficiary_vat", FieldType.CODE, "N° TVA du bénéficiaire", "Beneficiary VAT number"
    ),
    FieldSpec(
        "beneficiary_rna", FieldType.CODE, "N° RNA du bénéficiaire", "Beneficiary RNA number"
    ),
    FieldSpec("start_date", FieldType.DATE, "Date de début", "Start date"),
    FieldSpec("end_date", FieldType.DATE, "Date de fin", "End date"),
    FieldSpec(
        "operation_postcode", FieldType.CODE, "Code postal de l'opération", "Operation postcode"
    ),
    FieldSpec("location_text", FieldType.TEXT, "Zone / localisation", "Location"),
    FieldSpec(
        "operation_department",
        FieldType.CODE,
        "Département de l'opération",
        "Operation département",
    ),
    FieldSpec("operation_region", FieldType.CODE, "Région de l'opération", "Operation region"),
    FieldSpec("nuts_code", FieldType.CODE, "Code NUTS", "NUTS code"),
    FieldSpec("country", FieldType.CODE, "Pays", "Country"),
    FieldSpec("intervention_field", FieldType.CODE, "Type d'intervention", "Intervention field"),
    FieldSpec("fund", FieldType.CODE, "Fonds", "Fund"),
    FieldSpec("specific_objective", FieldType.CODE, "Objectif spécifique", "Specific objective"),
    FieldSpec(
        "specific_objective_label",
        FieldType.TEXT,
        "Objectif spécifique (code et libellé)",
        "Specific objective (code and label)",
    ),
    FieldSpec("policy_objective", FieldType.CODE, "Objectif stratégique", "Policy objective"),
    FieldSpec("category_of_region", FieldType.CODE, "Catégorie de région", "Category of region"),
    FieldSpec(
        "total_eligible_cost", FieldType.AMOUNT, "Total des dépenses éligibles", "Eligible cost"
    ),
    FieldSpec("cofinancing_rate", FieldType.RATE, "Taux de cofinancement", "Co-financing rate"),
    FieldSpec("eu_amount", FieldType.AMOUNT, "Montant UE", "EU amount"),
    FieldSpec("selection_date", FieldType.DATE, "Date de sélection / convention", "Selection date"),
    FieldSpec("last_update_date", FieldType.DATE, "Date de mise à jour", "Date of last update"),
)
FIELDS: Mapping[str, FieldSpec] = {spec.name: spec for spec in OPERATION_FIELDS}
LABEL_FIELDS: tuple[str, ...] = ("programme_title", "specific_objective_label")
"""Long descriptive labels that a list repeats on every operation of a programme or objective
(a few dozen texts over all its rows): once read, held as categories, one copy of each text
(at a million rows, 360 MB less)."""

# Columns fundcheck adds to every canonical frame.
ROW = "_row"  # the row as a spreadsheet shows it (header = row 1)
REGION = "_region"  # INSEE region code the operation is attributed to; NA = national bucket
PERIOD = "_period"  # Period value of the record; NA when no evidence decides
REGION_BASIS = "_region_basis"  # the evidence the region was taken from (attribution.py)
COVERED_PERIODS = ("2014-2020", "2021-2027")  # the periods fundcheck has rules for

NATIONAL_BUCKET = "national"  # key of the national / multi-regional bucket in summaries


# --------------------------------------------------------------------------------------------
# Rules


RuleOrigin = Literal["expectation", "check", "reader"]
Scope = Literal["record", "programme", "region", "dataset"]
Status = Literal["V", "C", "U"]


class Rule(BaseModel):
    """A catalogue entry: what is checked, how serious a breach is, and on what legal basis.

    Message templates may use ``{column}``, ``{value}``, ``{expected}``, ``{count}``,
    ``{example}``, ``{programme}`` and ``{region}``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    severity: Severity
    origin: RuleOrigin
    scope: Scope = "record"
    family: str
    title_fr: str
    title_en: str
    message_fr: str
    message_en: str
    legal_basis: str
    status: Status = "V"
    """Status of the legal fact in RULES.md: verified, corroborated or unverified."""

    def model_post_init(self, __context: Any) -> None:
        if self.status == "U" and self.severity is Severity.ERROR:
            raise ValueError(f"rule {self.id}: an unverified rule cannot be an error")


# --------------------------------------------------------------------------------------------
# Sources and record sets


class RemoteOrigin(BaseModel):
    """Where fetched bytes came from: the source URI, the final URL and the platform's
    validators, so a finding can be traced to the exact edition."""

    uri: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    edition: str | None = None
    checksum: str | None = None


class Provenance(BaseModel):
    """Where a record set came from, and how it was understood.

    ``fetched_at`` and ``remote`` are set for a source fetched from an open-data platform.
    """

    name: str
    location: str
    format: str
    sha256: str | None = None
    rows: int = 0
    period: str | None = None
    profile: str | None = None
    sheet: str | None = None
    fetched_at: str | None = None
    remote: RemoteOrigin | None = None
    record_kind: str = "operations"
    """What the source holds: ``operations`` (a list of operations), ``cper`` (CPER follow-up
    tables) or ``cper_published`` (a published CPER table)."""


@dataclass(frozen=True)
class Normalisation:
    """A kind of value normalisation applied to one column, with how many cells it touched."""

    kind: str  # e.g. "rate_percent", "amount_text", "excel_serial_date"
    field: str | None
    column: str | None  # the source header
    count: int
    example: str | None = None  # a raw value before normalisation


@dataclass
class RecordSet:
    """One canonical table read from one source.

    ``frame`` has canonical field columns (a subset of the kind's fields) plus ``_row``;
    ``column_labels`` maps each canonical field to the source header it came from;
    ``unreadable`` maps a field to the raw values (indexed like ``frame``) that could not be
    read as the field's type: those cells are NA in ``frame``; ``findings`` is the findings
    table of reading it (normalisations, unreadable cells, undecided periods), filled by
    ``connectors.read_source``; ``stored``: the columns of a large table validated in parts
    that are held on disk, not in ``frame`` (read them with ``stored_columns.column``).
    """

    kind: RecordKind
    frame: pd.DataFrame
    provenance: Provenance
    column_labels: dict[str, str] = field(default_factory=dict)
    normalisations: list[Normalisation] = field(default_factory=list)
    unreadable: dict[str, pd.Series] = field(default_factory=dict)
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    stored: StoredColumns | None = None


class SuiteRef(BaseModel):
    name: str
    version: str
    expectations: int


# --------------------------------------------------------------------------------------------
# Run result


@dataclass(frozen=True)
class ProgrammeName:
    """How a report names a programme: its title in the reference list (None when the CCI is
    not in it) and its programming period."""

    title: str | None
    period: str | None


@dataclass
class RunResult:
    """Everything a renderer needs: sources, rules run, records read and the findings table."""

    fundcheck_version: str
    generated_at: str
    sources: list[Provenance]
    suites: list[SuiteRef]
    rules: list[Rule]
    records: int
    findings: pd.DataFrame
    region_names: dict[str, str] = field(default_factory=dict)
    records_by_region: dict[str, int] = field(default_factory=dict)
    programmes_by_region: dict[str, dict[str, int]] = field(default_factory=dict)
    """Records per region bucket and programme CCI (the liaison pack names the programmes)."""
    programme_names: dict[str, ProgrammeName] = field(default_factory=dict)
    """Title and period of every programme the records or findings name."""
    cper_pace: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """CPER execution per region bucket: contract, financer, AE and CP as shares of the
    contracted credits, theoretical rate (the HTML execution chart)."""

    def counts(self) -> dict[str, int]:
        """Number of findings per severity (info findings count the notes, not the cells)."""
        counts = self.findings["severity"].value_counts()
        return {sev.value: int(counts.get(sev.value, 0)) for sev in Severity}

    def by_region(self) -> dict[str, dict[str, int]]:
        """Findings per region bucket and severity; the national bucket is ``national``."""
        regions = self.findings["region"].fillna(NATIONAL_BUCKET)
        table = pd.crosstab(regions, self.findings["severity"])
        out: dict[str, dict[str, int]] = {}
        for region in sorted(set(table.index) | set(self.records_by_region)):
            present = region in table.index
            out[str(region)] = {
                sev.value: int(str(table.at[region, sev.value]))
                if present and sev.value in table.columns
                else 0
                for sev in Severity
            }
        return out

    def count_at_or_above(self, severity: Severity) -> int:
        counts = self.findings["severity"].value_counts()
        return sum(int(n) for s, n in counts.items() if Severity(str(s)).rank >= severity.rank)

    def worst(self) -> Severity | None:
        if self.findings.empty:
            return None
        return max((Severity(s) for s in self.findings["severity"].unique()), key=lambda s: s.rank)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


@dataclass(frozen=True)
class StoredRun:
    """One line of ``fundcheck history``: when, on what, and how many findings."""

    id: int
    generated_at: str
    fundcheck_version: str
    records: int
    error: int
    warning: int
    info: int
    sources: tuple[str, ...]
    sha256: tuple[str | None, ...]
