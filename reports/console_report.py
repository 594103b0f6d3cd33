"""The terminal summary: findings per region, the top rules and the sources read.

Every value from the data is passed to rich as ``Text``, never as markup, so a source named
``[red]x`` prints as it is.
"""

from __future__ import annotations

from typing import Literal

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fundcheck.display import printable
from fundcheck.model import RunResult
from fundcheck.reports.base import Lang
from fundcheck.reports.digest import (
    SEVERITIES,
    RuleSummary,
    region_summaries,
    rule_summaries,
    total_summary,
)
from fundcheck.reports.ui_text import number, severity_label, text

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def print_summary(result: RunResult, console: Console, lang: Lang, *, top_rules: int = 10) -> None:
    """Print the per-region table with totals, the most frequent rules and the sources."""
    console.print(_region_table(result, lang))
    rules = rule_summaries(result, result.findings, lang)[:top_rules]
    if rules:
        console.print(_rules_table(rules, lang))
    console.print(_sources_table(result, lang))


def _region_table(result: RunResult, lang: Lang) -> Table:
    table = Table(title=text("title", lang), box=box.SIMPLE_HEAD, show_footer=True)
    total = total_summary(result, lang)
    table.add_column(text("region", lang), footer=text("total", lang))
    table.add_column(text("records", lang), justify="right", footer=number(total.records, lang))
    for severity in SEVERITIES:
        table.add_column(
            text(severity, lang),
            justify="right",
            style=_STYLE[severity],
            footer=number(total.count(severity), lang),
        )
    for region in region_summaries(result, lang):
        table.add_row(
            Text(printable(region.label)),
            number(region.records, lang),
            *(number(region.count(severity), lang) for severity in SEVERITIES),
        )
    return table


def _rules_table(rules: list[RuleSummary], lang: Lang) -> Table:
    table = Table(title=text("top_rules", lang), box=box.SIMPLE_HEAD)
    table.add_column(text("rule", lang), overflow="fold")  # an id wraps, never loses its end
    table.add_column(text("rule_title", lang))
    table.add_column(text("severity", lang))
    table.add_column(text("findings", lang), justify="right")
    for rule in rules:
        table.add_row(
            Text(rule.id),
            Text(rule.title),
            Text(severity_label(rule.severity, lang), style=_STYLE[rule.severity]),
            number(rule.findings, lang),
        )
    return table


def _sources_table(result: RunResult, lang: Lang) -> Table:
    table = Table(title=text("sources", lang), box=box.SIMPLE_HEAD)
    for key in ("source", "profile", "rows", "period"):
        justify: Literal["left", "right"] = "right" if key == "rows" else "left"
        table.add_column(text(key, lang), justify=justify, overflow="fold")
    for source in result.sources:
        name = f"{source.name} [{source.sheet}]" if source.sheet else source.name
        table.add_row(
            Text(printable(name)),
            Text(source.profile or ""),
            number(source.rows, lang),
            Text(source.period or ""),
        )
    return table
