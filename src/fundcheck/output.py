"""Write the requested reports of a run into the output folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fundcheck.errors import ConfigError, FundcheckError
from fundcheck.model import RunResult, Severity
from fundcheck.reports import REPORTS
from fundcheck.reports.base import Lang, ReportOptions


def write_reports(
    result: RunResult,
    formats: Sequence[str],
    out_dir: Path,
    *,
    lang: Lang,
    fail_on: Severity | None,
    split_by_region: bool = False,
) -> list[Path]:
    """Render each format into ``out_dir`` and return the files written."""
    unknown = [f for f in formats if f not in REPORTS]
    if unknown:
        raise ConfigError(f"unknown report format(s): {', '.join(unknown)}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FundcheckError(
            f"cannot create the output folder: {exc.strerror}", location=str(out_dir)
        ) from exc
    options = ReportOptions(fail_on=fail_on, split_by_region=split_by_region)
    written: list[Path] = []
    for name in formats:
        written.extend(REPORTS[name]().render(result, out_dir, lang, options))
    return written
