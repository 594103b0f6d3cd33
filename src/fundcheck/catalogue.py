"""The rules catalogue: every rule fundcheck applies, whatever layer implements it.

Reader rules come from the connectors, record rules from the expectation suites (one per period and
record kind), aggregate rules from the checks registry.
"""

from __future__ import annotations

from functools import cache

from fundcheck.checks import CHECKS
from fundcheck.checks.cper_rules import CPER_RULES, READ_RULE
from fundcheck.connectors import READER_RULES
from fundcheck.expectations import SuiteFile, available_suites, load_suite
from fundcheck.model import Rule


@cache
def _suites() -> tuple[SuiteFile, ...]:
    return tuple(load_suite(name) for name in available_suites())


def suites_for(period: str, record_kind: str) -> list[SuiteFile]:
    """The suites that apply to records of a period and kind."""
    return [s for s in _suites() if s.period == period and s.record_kind == record_kind]


def all_rules() -> list[Rule]:
    """Every rule, in catalogue order: reader, then expectations (suite by suite), then checks."""
    rules: dict[str, Rule] = {rule.id: rule for rule in READER_RULES}
    for suite in _suites():
        for rule in suite.rules:
            rules.setdefault(rule.id, rule)
    for check in CHECKS.values():
        rules.setdefault(check.rule.id, check.rule)
    for rule in (READ_RULE, *CPER_RULES):
        rules.setdefault(rule.id, rule)
    return list(rules.values())
