"""Write the requested reports of a run into the output folder, as one set (see safe_output)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from fundcheck.errors import ConfigError
from fundcheck.model import RunResult, Severity
from fundcheck.reports.base import REPORTS, Lang, Report, ReportOptions
from fundcheck.reports.formats import REPORT_FILES, REPORT_MODULES
from fundcheck.safe_output import prepare_folder, write_set

MANIFEST = "manifest.json"
"""Written last in the output folder: the files of the run's set, with their SHA-256."""


def report_names(formats: Sequence[str]) -> list[str]:
    """The fixed file names of the requested formats (per-region files are known later), known
    without importing a renderer."""
    unknown = [f for f in formats if f not in REPORT_FILES]
    if unknown:
        raise ConfigError(f"unknown report format(s): {', '.join(unknown)}")
    names = [REPORT_FILES[name] for name in formats]
    return [MANIFEST, *(name for name in names if name is not None)]


def renderer(name: str) -> type[Report]:
    """The renderer of a report format, importing its module only (not every renderer's)."""
    importlib.import_module(f"fundcheck.reports.{REPORT_MODULES[name]}")
    return REPORTS[name]


def check_output(out_dir: Path, formats: Sequence[str], inputs: Sequence[Path]) -> None:
    """Before a run: the output folder is writable and no report would replace an input, a
    link or a read-only file (exit code 3 naming the path, nothing written)."""
    prepare_folder(out_dir, report_names(formats), inputs)


def write_reports(
    result: RunResult,
    formats: Sequence[str],
    out_dir: Path,
    *,
    lang: Lang,
    fail_on: Severity | None,
    split_by_region: bool = False,
    inputs: Sequence[Path] = (),
) -> list[Path]:
    """Render each format into ``out_dir`` and return the files written.

    The files appear together (with ``manifest.json`` last) or not at all; ``inputs`` (the
    run's sources) are never overwritten."""
    report_names(formats)
    options = ReportOptions(fail_on=fail_on, split_by_region=split_by_region)

    def render(folder: Path) -> list[Path]:
        written: list[Path] = []
        for name in formats:
            written.extend(renderer(name)().render(result, folder, lang, options))
        return written

    return write_set(out_dir, render, inputs=inputs, manifest=MANIFEST)
