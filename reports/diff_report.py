"""Reports of an edition diff: ``diff.json`` (for tools), ``diff.md`` (for CI job summaries) and
``diff.html`` (a self-contained page for controllers), in French or English.

Each says, per region bucket, which operations vanished, which are new, which changed amounts or
dates, and which findings are new, resolved or persisting. The JSON lists everything; Markdown and
HTML list at most ``max_lines`` lines per table, with a note when a table is cut.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from fundcheck.diff_result import (
    CHANGE_COLUMNS,
    COUNT_KEYS,
    FINDING_STATUSES,
    OPERATION_COLUMNS,
    DiffResult,
    EditionInfo,
)
from fundcheck.findings import FINDING_COLUMNS, display, json_column
from fundcheck.model import NATIONAL_BUCKET
from fundcheck.reports.base import Lang
from fundcheck.reports.templating import html_template
from fundcheck.reports.ui_text import number, severity_label, text

SCHEMA_VERSION = "1.0"
MAX_LINES = 500

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Comparaison de deux éditions", "Comparison of two editions"),
    "old": ("Ancienne édition", "Old edition"),
    "new_edition": ("Nouvelle édition", "New edition"),
    "removed": ("Opérations disparues", "Vanished operations"),
    "added": ("Nouvelles opérations", "New operations"),
    "changed": ("Opérations modifiées", "Changed operations"),
    "new": ("Nouvelles anomalies", "New findings"),
    "resolved": ("Anomalies résolues", "Resolved findings"),
    "persisting": ("Anomalies persistantes", "Persisting findings"),
    "field_changes": ("Montants et dates modifiés", "Changed amounts and dates"),
    "old_value": ("Avant", "Before"),
    "new_value": ("Après", "After"),
    "old_row": ("Ligne avant", "Row before"),
    "operation_name": ("Intitulé", "Name"),
    "beneficiary_name": ("Bénéficiaire", "Beneficiary"),
    "eu_amount": ("Montant UE", "EU amount"),
    "not_compared": (
        "{unkeyed} opération(s) sans programme ou numéro et {repeated} doublon(s) de clé ne sont "
        "pas comparées.",
        "{unkeyed} operation(s) without programme or id and {repeated} repeated key(s) are not "
        "compared.",
    ),
    "cut": (
        "Seules les {shown} premières lignes sur {total} figurent ici ; la liste complète est "
        "dans diff.json.",
        "Only the first {shown} of {total} lines are listed here; the full list is in diff.json.",
    ),
    "no_change": ("Aucun changement.", "No change."),
    "fields": ("Champs", "Fields"),
    "total_eligible_cost": ("Total des dépenses éligibles", "Eligible cost"),
    "cofinancing_rate": ("Taux de cofinancement", "Co-financing rate"),
    "selection_date": ("Date de sélection", "Selection date"),
    "start_date": ("Date de début", "Start date"),
    "end_date": ("Date de fin", "End date"),
}


def t(key: str, lang: Lang, **values: object) -> str:
    """Wording of the diff reports; falls back on the shared report wording."""
    if key not in _TEXT:
        return text(key, lang, **values)
    template = _TEXT[key][0 if lang == "fr" else 1]
    return template.format(**values) if values else template


def write_diff(
    diff: DiffResult,
    formats: Sequence[str],
    out_dir: Path,
    lang: Lang,
    *,
    max_lines: int = MAX_LINES,
) -> list[Path]:
    """Write the requested diff reports into ``out_dir`` and return their paths."""
    unknown = [name for name in formats if name not in DIFF_REPORTS]
    if unknown:
        raise ValueError(f"unknown diff report format(s): {', '.join(unknown)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in formats:
        report = DIFF_REPORTS[name]
        path = out_dir / report.file_name
        path.write_text(report.render(diff, lang, max_lines), encoding="utf-8")
        written.append(path)
    return written


# -------------------------------------------------------------------------------- JSON


def records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON objects with ``columns``."""
    values = [json_column(frame[name]) for name in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _edition(info: EditionInfo) -> dict[str, Any]:
    return {
        "generated_at": info.generated_at,
        "records": info.records,
        "unkeyed": info.unkeyed,
        "repeated": info.repeated,
        "sources": [source.model_dump(mode="json") for source in info.sources],
    }


def diff_payload(diff: DiffResult) -> dict[str, Any]:
    """The whole diff as JSON values."""
    return {
        "schema_version": SCHEMA_VERSION,
        "old": _edition(diff.old),
        "new": _edition(diff.new),
        "summary": {
            **diff.counts(),
            "by_region": {
                key: {"name": _region_name(diff, key, "en"), **counts}
                for key, counts in diff.by_region().items()
            },
        },
        "operations": {
            "removed": records(diff.removed, OPERATION_COLUMNS),
            "added": records(diff.added, OPERATION_COLUMNS),
            "changed": records(diff.changed, CHANGE_COLUMNS),
        },
        "findings": records(diff.findings, [*FINDING_COLUMNS, "status", "old_row"]),
    }


# -------------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """A table of one region's section: title, headers, display rows and the uncut count."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    total: int


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    counts: dict[str, int]
    tables: list[Table]


def _region_name(diff: DiffResult, key: str, lang: Lang) -> str:
    return text("national", lang) if key == NATIONAL_BUCKET else diff.region_names.get(key, "")


def _label(diff: DiffResult, key: str, lang: Lang) -> str:
    name = _region_name(diff, key, lang)
    return name if key == NATIONAL_BUCKET else f"{key} {name}".strip()


def _cells(frame: pd.DataFrame, columns: Sequence[str]) -> list[list[str]]:
    values = [[display(v) for v in json_column(frame[name])] for name in columns]
    return [list(row) for row in zip(*values, strict=True)]


def sections(diff: DiffResult, lang: Lang, max_lines: int) -> list[Section]:
    """One section per region bucket with changes, in the order of ``by_region``."""
    out = []
    findings = diff.findings
    for key, counts in diff.by_region().items():
        tables = []
        for name, frame in (("removed", diff.removed), ("added", diff.added)):
            part = frame[frame["region"] == key]
            columns = ["programme_cci", "operation_id", "row", *OPERATION_COLUMNS[4:]]
            headers = [t(c, lang) for c in ("programme", "operation_id", "row")]
            headers += [t(c, lang) for c in OPERATION_COLUMNS[4:]]
            tables.append(Table(name, t(name, lang), headers, _cells(part, columns), len(part)))
        part = diff.changed[diff.changed["region"] == key].assign(
            field=lambda f: [t(name, lang) for name in f["field"]]
        )
        columns = ["programme_cci", "operation_id", "row", "field", "old", "new"]
        headers = [t(c, lang) for c in ("programme", "operation_id", "row", "field")]
        headers += [t("old_value", lang), t("new_value", lang)]
        tables.append(
            Table("changed", t("field_changes", lang), headers, _cells(part, columns), len(part))
        )
        for status in FINDING_STATUSES:
            part = findings[(findings["region"] == key) & (findings["status"] == status)]
            part = part.assign(severity=[severity_label(s, lang) for s in part["severity"]])
            message = "message_fr" if lang == "fr" else "message_en"
            columns = ["severity", "rule", "programme", "row", "operation_id", "field", message]
            headers = [t(c, lang) for c in columns[:-1]] + [t("message", lang)]
            tables.append(Table(status, t(status, lang), headers, _cells(part, columns), len(part)))
        for i, table in enumerate(tables):
            tables[i] = Table(
                table.key, table.title, table.headers, table.rows[:max_lines], table.total
            )
        out.append(Section(key, _label(diff, key, lang), counts, [t_ for t_ in tables if t_.total]))
    return out


# -------------------------------------------------------------------------------- Markdown

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~!<>&])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _md(value: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _CONTROL.sub(" ", value))


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _editions_lines(diff: DiffResult, lang: Lang) -> list[str]:
    lines = []
    for title, info in ((t("old", lang), diff.old), (t("new_edition", lang), diff.new)):
        names = ", ".join(_md(source.name) for source in info.sources) or "-"
        lines.append(
            f"- **{title}**: {names} ({number(info.records, lang)} {t('records', lang).lower()})"
        )
        if info.unkeyed or info.repeated:
            lines.append(f"  - {_md(t('not_compared', lang, **_not_compared(info)))}")
    return lines


def _not_compared(info: EditionInfo) -> dict[str, int]:
    return {"unkeyed": info.unkeyed, "repeated": info.repeated}


def diff_markdown(diff: DiffResult, lang: Lang, max_lines: int = MAX_LINES) -> str:
    """The diff as Markdown: editions, counts per region, then each region's tables."""
    lines = [f"# fundcheck — {t('title', lang)}", "", *_editions_lines(diff, lang), ""]
    header = [t("region", lang), *(t(key, lang) for key in COUNT_KEYS)]
    lines += [_md_row(header), "|:--|" + "--:|" * len(COUNT_KEYS)]
    by_region = diff.by_region()
    for key, counts in by_region.items():
        cells = [number(counts[name], lang) for name in COUNT_KEYS]
        lines.append(_md_row([_md(_label(diff, key, lang)), *cells]))
    totals = diff.counts()
    cells = [f"**{number(totals[name], lang)}**" for name in COUNT_KEYS]
    lines += [_md_row([f"**{t('total', lang)}**", *cells]), ""]
    if not by_region:
        lines += [t("no_change", lang), ""]
    for section in sections(diff, lang, max_lines):
        lines += [f"## {_md(section.label)}", ""]
        for table in section.tables:
            if table.key == "persisting":
                continue  # counted above; listed in the JSON and HTML reports
            lines += [f"### {table.title} ({number(table.total, lang)})", ""]
            lines += [_md_row([_md(h) for h in table.headers])]
            lines += ["|" + ":--|" * len(table.headers)]
            lines += [_md_row([_md(cell) for cell in row]) for row in table.rows]
            if len(table.rows) < table.total:
                cut = t("cut", lang, shown=len(table.rows), total=table.total)
                lines += ["", f"_{_md(cut)}_"]
            lines.append("")
    return "\n".join(lines)


# -------------------------------------------------------------------------------- HTML


def diff_html(diff: DiffResult, lang: Lang, max_lines: int = MAX_LINES) -> str:
    """The diff as one self-contained HTML page."""
    return html_template("diff.html.j2").render(
        lang=lang,
        t=lambda key, **values: t(key, lang, **values),
        num=lambda value: number(int(value), lang),
        diff=diff,
        editions=[(t("old", lang), diff.old), (t("new_edition", lang), diff.new)],
        not_compared=_not_compared,
        count_keys=COUNT_KEYS,
        by_region=[(_label(diff, k, lang), k, c) for k, c in diff.by_region().items()],
        totals=diff.counts(),
        sections=sections(diff, lang, max_lines),
    )


# -------------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class DiffReport:
    """A diff report format: the file it writes and how it renders."""

    file_name: str
    render: Callable[[DiffResult, Lang, int], str]


def _json_text(diff: DiffResult, lang: Lang, max_lines: int) -> str:
    return json.dumps(diff_payload(diff), ensure_ascii=False) + "\n"


DIFF_REPORTS: dict[str, DiffReport] = {
    "json": DiffReport("diff.json", _json_text),
    "markdown": DiffReport("diff.md", diff_markdown),
    "html": DiffReport("diff.html", diff_html),
}
"""The diff report formats, by name (``fundcheck diff --report``)."""
