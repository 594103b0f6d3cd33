"""The HTML report (``report.html``): one self-contained page for controllers, in French or English.

A national overview (findings per region and severity, with a bar chart), then one section per
region bucket: findings by rule, the top anomalies with examples, and a findings table that can be
filtered by rule, severity and programme and searched by text. The page needs no network: CSS,
script and SVG are inline. Everything from the data is escaped by Jinja2; the table rows travel as
JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u``
escapes, so a ``</script>`` in the data stays inert. Each region embeds at most
``ReportOptions.max_rows_per_region`` findings, with a note pointing to the XLSX and JSON reports.

Memory stays bounded by those caps, not by the number of findings: regions are taken from the
findings one at a time (never a sorted copy of them all), and the page is written as Jinja2
renders it, piece by piece.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from markupsafe import Markup

from fundcheck.findings import display, json_column
from fundcheck.model import NATIONAL_BUCKET, RunResult
from fundcheck.reports.base import DEFAULT_OPTIONS, Lang, ReportOptions, register
from fundcheck.reports.cper_chart import execution_chart
from fundcheck.reports.digest import (
    SEVERITIES,
    RegionSummary,
    RuleSummary,
    catalogue,
    colon,
    finding_place,
    grouped,
    message_column,
    reading_order,
    region_keys,
    region_summaries,
    rule_summaries,
    total_summary,
)
from fundcheck.reports.svg_chart import COLOURS, region_bar_chart
from fundcheck.reports.templating import file_safe, html_template
from fundcheck.reports.ui_text import number, severity_label, text

TABLE_COLUMNS: tuple[str, ...] = ("severity", "rule", "programme", "source", "row")
TABLE_COLUMNS += ("operation_id", "column", "value", "expected", "message")
_TOP_RULES = 5  # rules shown under "top anomalies" in each region


@register
class HtmlReport:
    """Writes ``report.html`` and, with ``split_by_region``, ``report-<region>.html`` files."""

    format: ClassVar[str] = "html"
    file_name: ClassVar[str] = "report.html"

    def render(
        self,
        result: RunResult,
        out_dir: Path,
        lang: Lang,
        options: ReportOptions = DEFAULT_OPTIONS,
    ) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        sections = region_sections(result, lang, options)
        path = out_dir / self.file_name
        write_page(path, result, sections, lang, overview=True)
        written = [path]
        if options.split_by_region:
            for section in sections:
                region_path = out_dir / f"report-{file_safe(section.region.key)}.html"
                write_page(region_path, result, [section], lang, overview=False)
                written.append(region_path)
        return written


@dataclass(frozen=True)
class TopAnomaly:
    """A frequent rule of a region, with a few example findings ("place: message")."""

    rule: RuleSummary
    examples: list[str]


@dataclass(frozen=True)
class RegionSection:
    region: RegionSummary
    rules: list[RuleSummary]
    top: list[TopAnomaly]
    shown: int
    table_json: Markup
    why: list[str] = field(default_factory=list)  # national bucket: why its findings are there
    chart: Markup = Markup("")

    @property
    def capped(self) -> bool:
        return self.shown < self.region.findings


def region_sections(result: RunResult, lang: Lang, options: ReportOptions) -> list[RegionSection]:
    """One section per region bucket, in the order of the summary table; each takes its own
    findings, in reading order, while it is built (one region's findings copied at a time)."""
    order = reading_order(result.findings)
    codes, keys = pd.factorize(region_keys(result.findings))
    bucket_codes = codes[order]  # the bucket of each finding, in reading order
    code_of = {str(key): code for code, key in enumerate(keys)}
    sections = []
    for region in region_summaries(result, lang):
        rows = order[bucket_codes == code_of.get(region.key, -2)]
        group = result.findings.take(rows).reset_index(drop=True)
        rules = rule_summaries(result, group, lang)
        shown = grouped(group, lang).head(options.max_rows_per_region)
        sections.append(
            RegionSection(
                region=region,
                rules=rules,
                top=_top_anomalies(group, rules, lang, options.max_examples),
                shown=int(shown["group_size"].sum()),
                table_json=script_json(_table_data(shown, lang)),
                why=national_reasons(group, lang) if region.key == NATIONAL_BUCKET else [],
                chart=execution_chart(result.cper_pace.get(region.key, []), lang),
            )
        )
    return sections


def national_reasons(findings: pd.DataFrame, lang: Lang) -> list[str]:
    """Why the findings of the national bucket have no region, counted by region basis."""
    basis = findings["region_basis"].fillna("file")
    counts = basis.value_counts()
    order = ("national_programme", "foreign_country", "none", "file")
    return [
        text(f"basis_{key}", lang, n=number(int(counts[key]), lang))
        for key in order
        if key in counts.index
    ]


def _top_anomalies(
    group: pd.DataFrame, rules: list[RuleSummary], lang: Lang, examples_per_rule: int
) -> list[TopAnomaly]:
    top = []
    for rule in rules[:_TOP_RULES]:
        examples = group[group["rule"] == rule.id].head(examples_per_rule)
        places = zip(
            json_column(examples["source"]),
            json_column(examples["row"]),
            json_column(examples["operation_id"]),
            strict=True,
        )
        messages = json_column(examples[message_column(lang)])
        lines = []
        for (source, row, operation_id), message in zip(places, messages, strict=True):
            place = finding_place(source, row, operation_id, lang)
            lines.append(f"{place}{colon(lang)}{message}" if place else str(message))
        top.append(TopAnomaly(rule, lines))
    return top


def _table_data(findings: pd.DataFrame, lang: Lang) -> dict[str, Any]:
    """The rows of the findings table, as column-ordered lists of display values."""
    location = findings["column"].where(findings["column"].notna(), findings["field"])
    columns = {
        "severity": json_column(findings["severity"]),
        "rule": json_column(findings["rule"]),
        "programme": json_column(findings["programme"]),
        "source": json_column(findings["source"]),
        "row": json_column(findings["row"]),
        "operation_id": json_column(findings["operation_id"]),
        "column": json_column(location),
        "value": [display(value) for value in json_column(findings["value"])],
        "expected": [display(value) for value in json_column(findings["expected"])],
        "message": json_column(findings[message_column(lang)]),
    }
    rows = list(zip(*(columns[name] for name in TABLE_COLUMNS), strict=True))
    return {"columns": list(TABLE_COLUMNS), "rows": rows}


def script_json(data: Any) -> Markup:
    """JSON safe to place inside ``<script type="application/json">`` (no ``</script>``)."""
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        encoded = encoded.replace(char, escaped)
    encoded = encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(encoded)


def write_page(
    path: Path, result: RunResult, sections: list[RegionSection], lang: Lang, *, overview: bool
) -> None:
    """Write the page to ``path`` as it is rendered, never holding it whole."""
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(page_pieces(result, sections, lang, overview=overview))


def page_pieces(
    result: RunResult, sections: list[RegionSection], lang: Lang, *, overview: bool
) -> Iterator[str]:
    """The page (header, optional national overview, region sections, rules appendix), in the
    pieces Jinja2 renders one after the other."""
    regions = [section.region for section in sections]
    fired = rule_summaries(result, result.findings, lang)
    counts = {rule.id: rule.findings for rule in fired}
    ui = {key: text(key, lang) for key in ("all", "shown", "search", "no_findings")}
    ui.update({f"sev_{severity}": severity_label(severity, lang) for severity in SEVERITIES})
    return html_template("report.html.j2").generate(
        lang=lang,
        colon=colon(lang),
        t=lambda key, **values: text(key, lang, **values),
        num=lambda value: number(int(value), lang),
        sev=lambda severity: severity_label(str(severity), lang),
        result=result,
        overview=overview,
        total=total_summary(result, lang),
        regions=regions,
        sections=sections,
        chart=region_bar_chart(regions, lang) if overview else None,
        rules=sorted(catalogue(result).values(), key=lambda rule: rule.id),
        rule_counts=counts,
        severities=SEVERITIES,
        colours=COLOURS,
        ui_json=script_json(ui),
    )
