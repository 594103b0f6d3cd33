"""The Markdown summary (``summary.md``), sized for a CI job summary such as GitHub's step summary.

It holds a verdict line, the per-region table, the top rules and their legal bases, and the
sources. Text from the data is escaped so it cannot add Markdown or HTML to the page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from fundcheck.model import RunResult
from fundcheck.reports.base import DEFAULT_OPTIONS, Lang, ReportOptions, SingleFileReport, register
from fundcheck.reports.digest import (
    SEVERITIES,
    RegionSummary,
    RuleSummary,
    region_summaries,
    rule_summaries,
    total_summary,
)
from fundcheck.reports.ui_text import number, severity_label, text

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~!])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@register
class MarkdownReport(SingleFileReport):
    """Writes ``summary.md``."""

    format: ClassVar[str] = "markdown"
    file_name: ClassVar[str] = "summary.md"

    def write(self, result: RunResult, path: Path, lang: Lang, options: ReportOptions) -> None:
        path.write_text(markdown_summary(result, lang, options), encoding="utf-8")


def markdown_summary(
    result: RunResult, lang: Lang, options: ReportOptions = DEFAULT_OPTIONS
) -> str:
    """The whole summary as Markdown text."""
    rules = rule_summaries(result, result.findings, lang)
    lines = [f"# fundcheck — {text('title', lang)}", "", verdict(result, lang, options), ""]
    lines += [_totals_line(result, lang), ""]
    lines += [f"## {text('by_region', lang)}", "", *_region_table(result, lang), ""]
    if rules:
        lines += [f"## {text('top_rules', lang)}", ""]
        lines += [*_rules_table(rules[: options.top_rules], lang), ""]
        lines += [f"## {text('legal_bases', lang)}", "", *_legal_bases(rules, lang), ""]
    lines += [f"## {text('sources', lang)}", "", *_sources(result, lang), ""]
    return "\n".join(lines)


def verdict(result: RunResult, lang: Lang, options: ReportOptions) -> str:
    """One bold line: failed (with the count at or above ``fail_on``), passed, or no threshold."""
    if options.fail_on is None:
        return f"ℹ️ **{text('verdict_none', lang)}**"
    failing = result.count_at_or_above(options.fail_on)
    severity = severity_label(options.fail_on.value, lang)
    if failing:
        return (
            f"❌ **{text('verdict_fail', lang, count=number(failing, lang), severity=severity)}**"
        )
    return f"✅ **{text('verdict_pass', lang, severity=severity)}**"


def escape(value: str) -> str:
    """Text made inert in Markdown and HTML, on one line."""
    value = _CONTROL.sub(" ", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", value)


def _totals_line(result: RunResult, lang: Lang) -> str:
    total = total_summary(result, lang)
    colon = " : " if lang == "fr" else ": "
    parts = [f"{text('records', lang)}{colon}{number(total.records, lang)}"]
    parts += [f"{text(sev, lang)}{colon}{number(total.count(sev), lang)}" for sev in SEVERITIES]
    stamp = f"fundcheck {escape(result.fundcheck_version)}, {escape(result.generated_at)}"
    return " · ".join(parts) + f" — {stamp}"


def _region_table(result: RunResult, lang: Lang) -> list[str]:
    header = [text("region", lang), text("records", lang), *(text(s, lang) for s in SEVERITIES)]
    lines = [_row(header), "|:--|" + "--:|" * (len(header) - 1)]
    for region in region_summaries(result, lang):
        lines.append(_row(_region_cells(region, escape(region.label), lang)))
    total = total_summary(result, lang)
    lines.append(_row(_region_cells(total, f"**{escape(total.name)}**", lang)))
    return lines


def _region_cells(region: RegionSummary, label: str, lang: Lang) -> list[str]:
    counts = [number(region.count(severity), lang) for severity in SEVERITIES]
    return [label, number(region.records, lang), *counts]


def _rules_table(rules: list[RuleSummary], lang: Lang) -> list[str]:
    header = [text("rule", lang), text("rule_title", lang), text("severity", lang)]
    header.append(text("findings", lang))
    lines = [_row(header), "|:--|:--|:--|--:|"]
    for rule in rules:
        cells = [f"`{rule.id}`", escape(rule.title), severity_label(rule.severity, lang)]
        lines.append(_row([*cells, number(rule.findings, lang)]))
    return lines


def _legal_bases(rules: list[RuleSummary], lang: Lang) -> list[str]:
    lines = [_row([text("rule", lang), text("legal_basis", lang)]), "|:--|:--|"]
    for rule in sorted(rules, key=lambda rule: rule.id):
        lines.append(_row([f"`{rule.id}`", escape(rule.legal_basis)]))
    return lines


def _sources(result: RunResult, lang: Lang) -> list[str]:
    lines = []
    for source in result.sources:
        details = [f"{number(source.rows, lang)} {text('rows', lang).lower()}"]
        details += [escape(part) for part in (source.profile, source.sheet, source.period) if part]
        lines.append(f"- {escape(source.name)} ({', '.join(details)})")
    return lines or ["-"]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
