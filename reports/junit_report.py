"""The JUnit XML report (``junit.xml``) that CI servers show as test results.

One test suite per rule family and one test case per rule and region bucket. A test case fails
when it holds findings at or above ``ReportOptions.fail_on``; its ``<failure>`` gives their count
and a few examples. A test case whose findings are all below the threshold passes and lists them
in ``<system-out>``; a rule that found nothing passes once for all regions. Each test case also
carries the properties ``findings`` (all its findings) and ``failing`` (those at or above the
threshold), so the ``failing`` values add up to the run's count at or above ``fail_on``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from fundcheck.findings import json_column
from fundcheck.model import NATIONAL_BUCKET, Rule, RunResult
from fundcheck.reports.base import DEFAULT_OPTIONS, Lang, ReportOptions, SingleFileReport, register
from fundcheck.reports.digest import (
    SEVERITY_RANK,
    catalogue,
    colon,
    family_of,
    finding_place,
    in_reading_order,
    message_column,
    region_keys,
    region_name,
    rule_title,
    severity_ranks,
)
from fundcheck.reports.ui_text import number, severity_label, text

# Characters XML 1.0 forbids, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@register
class JunitReport(SingleFileReport):
    """Writes ``junit.xml``."""

    format: ClassVar[str] = "junit"
    file_name: ClassVar[str] = "junit.xml"

    def write(self, result: RunResult, path: Path, lang: Lang, options: ReportOptions) -> None:
        tree = ET.ElementTree(junit_xml(result, lang, options))
        ET.indent(tree)
        tree.write(path, encoding="utf-8", xml_declaration=True)


@dataclass(frozen=True)
class _Case:
    rule: str
    region: str  # region bucket, or "" for a rule that found nothing
    findings: int
    failing: int
    element: ET.Element


def junit_xml(
    result: RunResult, lang: Lang, options: ReportOptions = DEFAULT_OPTIONS
) -> ET.Element:
    """The ``<testsuites>`` element of the report."""
    rules = catalogue(result)
    by_family: dict[str, list[_Case]] = defaultdict(list)
    for case in _cases_with_findings(result, rules, lang, options):
        by_family[family_of(case.rule, rules)].append(case)
    fired = {case.rule for cases in by_family.values() for case in cases}
    for rule in result.rules:
        if rule.id not in fired:
            by_family[rule.family].append(_clean_case(rule, lang))
    root = ET.Element("testsuites", name="fundcheck", time="0")
    for family in sorted(by_family):
        cases = sorted(by_family[family], key=_case_order)
        suite = ET.SubElement(root, "testsuite", name=family, timestamp=result.generated_at)
        suite.extend(case.element for case in cases)
        _set_counts(suite, cases)
    _set_counts(root, [case for cases in by_family.values() for case in cases])
    return root


def _cases_with_findings(
    result: RunResult, rules: dict[str, Rule], lang: Lang, options: ReportOptions
) -> list[_Case]:
    findings = in_reading_order(result.findings)
    if findings.empty:
        return []
    findings = findings.assign(
        _bucket=region_keys(findings),
        _failing=severity_ranks(findings["severity"]).fillna(0) >= options.fail_rank,
    )
    builder = _CaseBuilder(result, rules, lang, options)
    return [
        builder.case(str(rule_id), str(bucket), group)
        for (rule_id, bucket), group in findings.groupby(["rule", "_bucket"], sort=False)
    ]


@dataclass(frozen=True)
class _CaseBuilder:
    result: RunResult
    rules: dict[str, Rule]
    lang: Lang
    options: ReportOptions

    def case(self, rule_id: str, bucket: str, group: pd.DataFrame) -> _Case:
        """The test case of one rule in one region bucket."""
        rule = self.rules.get(rule_id)
        name = region_name(self.result, bucket, self.lang)
        label = name if bucket == NATIONAL_BUCKET else f"{bucket} {name}".strip()
        element = _testcase(rule_id, family_of(rule_id, self.rules), label)
        is_failing = group["_failing"].to_numpy(dtype=bool)
        failed, passed = group[is_failing], group[~is_failing]
        _properties(element, findings=len(group), failing=len(failed))
        title = rule_title(rule, rule_id, self.lang)
        basis = rule.legal_basis if rule else _first_text(group["legal_basis"])
        if len(failed):
            worst = max(failed["severity"], key=lambda severity: SEVERITY_RANK[str(severity)])
            failure = ET.SubElement(element, "failure", type=str(worst))
            count = number(len(failed), self.lang)
            failure.set("message", _clean(f"{count} × {title} ({label})"))
            failure.text = _clean(self._details(rule_id, title, basis, failed))
        if len(passed):
            out = ET.SubElement(element, "system-out")
            out.text = _clean(self._details(rule_id, title, basis, passed))
        return _Case(rule_id, bucket, len(group), len(failed), element)

    def _details(self, rule_id: str, title: str, basis: str, group: pd.DataFrame) -> str:
        """Rule, legal basis, counts per severity and the first examples, one per line."""
        lang = self.lang
        lines = [f"{text('rule', lang)}{colon(lang)}{rule_id} — {title}"]
        lines.append(f"{text('legal_basis', lang)}{colon(lang)}{basis}")
        for severity, count in group["severity"].value_counts().items():
            lines.append(
                f"{severity_label(str(severity), lang)}{colon(lang)}{number(int(count), lang)}"
            )
        examples = group.head(self.options.max_examples)
        if len(examples):
            lines.append(f"{text('examples', lang)}{colon(lang)}")
        places = zip(
            json_column(examples["source"]),
            json_column(examples["row"]),
            json_column(examples["operation_id"]),
            strict=True,
        )
        messages = examples[message_column(lang)].tolist()
        for (source, row, operation_id), message in zip(places, messages, strict=True):
            place = finding_place(source, row, operation_id, lang)
            lines.append(f"- {place}{colon(lang) if place else ''}{message}")
        if len(group) > len(examples):
            lines.append(text("more", lang, count=number(len(group) - len(examples), lang)))
        return "\n".join(lines)


def _clean_case(rule: Rule, lang: Lang) -> _Case:
    """A passing test case for a rule that found nothing anywhere."""
    element = _testcase(rule.id, rule.family, text("all_regions", lang))
    _properties(element, findings=0, failing=0)
    return _Case(rule.id, "", 0, 0, element)


def _testcase(rule_id: str, family: str, label: str) -> ET.Element:
    name = _clean(f"{rule_id} [{label}]")
    return ET.Element("testcase", classname=f"fundcheck.{family}", name=name, time="0")


def _properties(element: ET.Element, **values: int) -> None:
    properties = ET.SubElement(element, "properties")
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=str(value))


def _first_text(values: pd.Series) -> str:
    known = values.dropna()
    return str(known.iloc[0]) if len(known) else ""


def _case_order(case: _Case) -> tuple[str, bool, str]:
    return case.rule, case.region == NATIONAL_BUCKET, case.region


def _set_counts(element: ET.Element, cases: list[_Case]) -> None:
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for case in cases if case.failing)))
    element.set("errors", "0")
    element.set("skipped", "0")


def _clean(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)
