"""GX expectation suites as versioned data, fundcheck's custom GX expectations and the runner.

Per-record rules live in ``suites/<name>.yaml``; :func:`load_suite` reads one and
:func:`validate` turns its failing rows into findings. GX is imported only when a suite runs.
"""

from fundcheck.expectations.engine import engine_started, start_engine
from fundcheck.expectations.runner import (
    SkippedExpectation,
    SuiteRun,
    check_suite,
    plan_suite,
    run_suite,
    validate,
)
from fundcheck.expectations.suite import (
    ExpectationMeta,
    ExpectationSpec,
    SuiteFile,
    available_suites,
    load_suite,
    load_suite_file,
    parse_suite,
)

__all__ = [
    "ExpectationMeta",
    "ExpectationSpec",
    "SkippedExpectation",
    "SuiteFile",
    "SuiteRun",
    "available_suites",
    "engine_started",
    "check_suite",
    "load_suite",
    "load_suite_file",
    "parse_suite",
    "plan_suite",
    "run_suite",
    "start_engine",
    "validate",
]
