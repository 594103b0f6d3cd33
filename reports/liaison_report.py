"""The Commission liaison pack (``--report liaison``): one English document per region bucket.

Each document names the programmes and the programming period, the sources read (with their
SHA-256), the rules checked with their legal bases, the anomalies found in the region (counts per
rule, then the findings themselves, at most ``LIAISON_MAX_FINDINGS``), and the normalisations
fundcheck applied to the source values before checking them.

Documents are PDF, made with WeasyPrint (``pip install 'fundcheck[pdf]'``, which also needs the
Pango system library). When WeasyPrint or its libraries are missing, the documents are written as
HTML instead; each such document says so at its top, and ``pdf_unavailable()`` gives the reason so
that the command line can tell the user.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from markupsafe import Markup

from fundcheck.findings import display, json_column
from fundcheck.model import NATIONAL_BUCKET, Rule, RunResult
from fundcheck.reports.base import DEFAULT_OPTIONS, Lang, ReportOptions, register
from fundcheck.reports.cper_chart import execution_chart
from fundcheck.reports.digest import (
    RegionSummary,
    RuleSummary,
    grouped,
    in_reading_order,
    region_keys,
    region_summaries,
    rule_summaries,
)
from fundcheck.reports.templating import file_safe, html_template

LIAISON_MAX_FINDINGS = 200
NORMALISED = "read.normalised."
CPER_PREFIX = "CPER-"  # rules of the contrats de plan État-Région, reported in their own section
_RULE_PERIOD = {"eu14.": "2014-2020", "eu21.": "2021-2027"}


@register
class LiaisonReport:
    """Writes ``liaison-<region>.pdf`` (or ``.html`` without WeasyPrint) per region bucket."""

    format: ClassVar[str] = "liaison"
    in_demo: ClassVar[bool] = False  # one document per region: asked for, not by default

    def render(
        self,
        result: RunResult,
        out_dir: Path,
        lang: Lang,  # the liaison pack is always in English
        options: ReportOptions = DEFAULT_OPTIONS,
    ) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        weasyprint, reason = _weasyprint()
        written = []
        for document in liaison_documents(result):
            html = render_document(result, document, pdf_note=reason)
            stem = out_dir / f"liaison-{file_safe(document.region.key)}"
            if weasyprint is None:
                path = stem.with_suffix(".html")
                path.write_text(html, encoding="utf-8")
            else:
                path = stem.with_suffix(".pdf")
                weasyprint.HTML(string=html, base_url=str(out_dir)).write_pdf(str(path))
            written.append(path)
        return written


def pdf_unavailable() -> str | None:
    """Why the liaison pack is written as HTML rather than PDF; None when PDF works."""
    return _weasyprint()[1]


@cache
def _weasyprint() -> tuple[Any, str | None]:
    try:
        return _load_weasyprint(), None
    except ImportError:
        return None, (
            "liaison pack written as HTML: WeasyPrint is not installed "
            "(pip install 'fundcheck[pdf]' to get PDF documents)"
        )
    except OSError as exc:  # WeasyPrint is there but Pango or another system library is not
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, (
            "liaison pack written as HTML: WeasyPrint cannot load its system libraries "
            f"(Pango; {first})"
        )


def _load_weasyprint() -> Any:
    return importlib.import_module("weasyprint")


# -------------------------------------------------------------------------------- content


@dataclass(frozen=True)
class ProgrammeLine:
    cci: str
    title: str
    period: str
    records: int


@dataclass(frozen=True)
class Normalisation:
    title: str
    column: str
    count: int
    example: str
    source: str


@dataclass(frozen=True)
class LiaisonDocument:
    """What one region's document says."""

    region: RegionSummary
    programmes: list[ProgrammeLine]
    periods: list[str]
    rules_checked: list[Rule]
    anomalies: list[RuleSummary]
    findings: list[dict[str, str]]  # identical findings grouped, one line each
    findings_listed: int  # the findings those lines cover
    findings_total: int
    normalisations: list[Normalisation]
    cper_anomalies: list[RuleSummary] = field(default_factory=list)
    cper_chart: Markup = Markup("")


def liaison_documents(result: RunResult) -> list[LiaisonDocument]:
    """One document per region bucket holding records or findings."""
    ordered = in_reading_order(result.findings)
    notes = ordered["rule"].astype(str).str.startswith(NORMALISED)
    anomalies = ordered[~notes]
    groups = {str(k): g for k, g in anomalies.groupby(region_keys(anomalies), sort=False)}
    normalisations = _normalisations(result, ordered[notes])
    documents = []
    for region in region_summaries(result, "en"):
        group = groups.get(region.key, anomalies.iloc[0:0])
        cper = group["rule"].astype(str).str.startswith(CPER_PREFIX)
        programmes = _programmes(result, region.key, group[~cper])
        lines = grouped(group, "en").head(LIAISON_MAX_FINDINGS)
        periods = sorted({p.period for p in programmes if p.period}) or _source_periods(result)
        documents.append(
            LiaisonDocument(
                region=region,
                programmes=programmes,
                periods=periods,
                rules_checked=_rules_checked(result, periods),
                anomalies=rule_summaries(result, group[~cper], "en"),
                cper_anomalies=rule_summaries(result, group[cper], "en"),
                cper_chart=execution_chart(result.cper_pace.get(region.key, []), "en"),
                findings=_finding_lines(lines),
                findings_listed=int(lines["group_size"].sum()),
                findings_total=len(group),
                normalisations=normalisations,
            )
        )
    return documents


def _programmes(result: RunResult, key: str, findings: pd.DataFrame) -> list[ProgrammeLine]:
    """Programmes with records in the region (or, without record counts, with findings)."""
    counts = dict(result.programmes_by_region.get(key, {}))
    if not counts:
        counts = {str(cci): 0 for cci in findings["programme"].dropna().unique()}
    lines = []
    for cci in sorted(counts):
        name = result.programme_names.get(cci)
        title = (name.title if name else None) or "(programme not in the reference list)"
        lines.append(ProgrammeLine(cci, title, (name.period if name else None) or "", counts[cci]))
    return lines


def _source_periods(result: RunResult) -> list[str]:
    periods = {p.strip() for s in result.sources for p in (s.period or "").split(",")}
    return sorted(p for p in periods if p)


def _rules_checked(result: RunResult, periods: list[str]) -> list[Rule]:
    """Rules that apply to the region's periods, normalisation notes excepted."""

    def applies(rule: Rule) -> bool:
        if rule.id.startswith(NORMALISED):
            return False
        period = next((p for prefix, p in _RULE_PERIOD.items() if rule.id.startswith(prefix)), "")
        return not period or not periods or period in periods

    return [rule for rule in result.rules if applies(rule)]


def _finding_lines(findings: pd.DataFrame) -> list[dict[str, str]]:
    location = findings["column"].where(findings["column"].notna(), findings["field"])
    columns = {
        "severity": json_column(findings["severity"]),
        "rule": json_column(findings["rule"]),
        "programme": json_column(findings["programme"]),
        "row": json_column(findings["row"]),
        "operation_id": json_column(findings["operation_id"]),
        "column": json_column(location),
        "value": json_column(findings["value"]),
        "message": json_column(findings["message_en"]),
    }
    names = list(columns)
    return [
        {name: display(value) for name, value in zip(names, values, strict=True)}
        for values in zip(*columns.values(), strict=True)
    ]


def _normalisations(result: RunResult, notes: pd.DataFrame) -> list[Normalisation]:
    rules = {rule.id: rule for rule in result.rules}
    lines = []
    for rule_id, column, count, example, source in zip(
        json_column(notes["rule"]),
        json_column(notes["column"].where(notes["column"].notna(), notes["field"])),
        json_column(notes["count"]),
        json_column(notes["value"]),
        json_column(notes["source"]),
        strict=True,
    ):
        rule = rules.get(str(rule_id))
        title = rule.title_en if rule else str(rule_id)
        lines.append(
            Normalisation(
                title, display(column), int(count or 0), display(example), display(source)
            )
        )
    return lines


# -------------------------------------------------------------------------------- HTML


def render_document(result: RunResult, document: LiaisonDocument, pdf_note: str | None) -> str:
    """The document as HTML (the input of WeasyPrint, or the fallback itself)."""
    return html_template("liaison.html.j2").render(
        result=result,
        doc=document,
        region_label=_region_label(document.region),
        pdf_note=pdf_note,
        max_findings=LIAISON_MAX_FINDINGS,
        num=lambda value: f"{int(value):,}",
    )


def _region_label(region: RegionSummary) -> str:
    if region.key == NATIONAL_BUCKET:
        return "National and multi-regional operations"
    return f"{region.name} (INSEE region {region.key})" if region.name else region.key
