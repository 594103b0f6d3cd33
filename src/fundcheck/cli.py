"""The ``fundcheck`` command line: parse, call the pipeline, render, choose the exit code.

``validate``, ``demo`` and ``rules`` live here; ``diff``, ``history``, ``inspect`` and ``template``
in ``cli_tools``; ``fetch``, ``sources`` and ``reference`` in ``cli_remote``. Shared options,
exit codes and error handling are in ``cli_options``.
"""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from fundcheck import __version__, cli_remote, cli_tools
from fundcheck.cli_options import (
    CONTEXT_SETTINGS,
    ExitCode,
    database_options,
    database_sources,
    execution_errors,
    execution_options,
    file_config,
    parse_formats,
    run_options,
    source_options,
    stderr,
)
from fundcheck.cli_remote import SOURCE, remote_options
from fundcheck.display import markup_safe
from fundcheck.interrupts import Interrupted, install
from fundcheck.memory import keep_freed_heap
from fundcheck.reports.formats import REPORT_FORMATS

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

__all__ = ["ExitCode", "cli", "main"]


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="fundcheck")
def cli() -> None:
    """fundcheck: data-quality and compliance checks for EU structural funds lists of operations.

    Reads published lists of operations (FEDER/ERDF, FSE+/ESF+, FTJ/JTF...), validates every record
    against the rules of its programming period, and reports every anomaly per region, with its
    row, its rule and its legal basis.
    """


@dataclass(frozen=True)
class RunRequest:
    """What a validating command asks for, before the configuration file is merged in."""

    values: dict[str, Any]  # RunConfig fields given on the command line (None: not given)
    config_path: Path | None = None
    history: str | None = None
    as_of: dt.datetime | None = None
    title: str | None = None  # a line printed before the summary (the demo's)


def _inputs(config_sources: list[Any], request: RunRequest) -> list[Path]:
    """Every file the run reads: no report may be written over one of them."""
    mapping = request.values.get("mapping")
    files = [source for source in config_sources if isinstance(source, Path)]
    found = [*files, *(p for p in (mapping, request.config_path) if p is not None)]
    if request.history and "://" not in request.history:
        found.append(Path(request.history))
    return found


def _execute(request: RunRequest, *, quiet: bool) -> ExitCode:
    """Run the pipeline, write the reports, print the summary; return the exit code."""
    from fundcheck.config import build_config
    from fundcheck.output import check_output, write_reports
    from fundcheck.pipeline import run
    from fundcheck.reports.console_report import print_summary

    keep_freed_heap()  # a run's steps reuse what the previous one freed (fundcheck.memory)
    config = build_config(file_config(request.config_path), **request.values)
    if request.as_of is not None:
        config.parameters["as_of"] = request.as_of.date().isoformat()
    inputs = _inputs(config.sources, request)
    if config.reports:
        check_output(config.output, config.reports, inputs)
    with stderr.status("fundcheck", spinner="dots") as status:
        result = run(config, progress=lambda message: status.update(markup_safe(message)))
        written: list[Path] = []
        if config.reports:
            status.update("writing reports")
            written = write_reports(
                result,
                config.reports,
                config.output,
                lang=config.lang,
                fail_on=config.fail_on.severity,
                inputs=inputs,
            )
        stored = _store_history(request.history, result) if request.history else None
    console = Console()
    if not quiet:
        if request.title:
            console.print(markup_safe(request.title))
        print_summary(result, console, config.lang)
        for path in written:
            console.print(f"report: {markup_safe(path)}", highlight=False, soft_wrap=True)
        for note in _report_notes(config.reports):
            console.print(f"note: {markup_safe(note)}", highlight=False, soft_wrap=True)
        if stored:
            console.print(markup_safe(stored), highlight=False, soft_wrap=True)
    threshold = config.fail_on.severity
    failing = result.count_at_or_above(threshold) if threshold else 0
    counts = result.counts()
    console.print(
        f"{'FAIL' if failing else 'PASS'}: {result.records:,} records, {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} notes (fail-on: {config.fail_on.value})",
        highlight=False,
    )
    return ExitCode.FINDINGS if failing else ExitCode.OK


def _store_history(target: str, result: Any) -> str:
    """Store a run in the history; return the line that says where."""
    from fundcheck.history import History

    with History(target) as history:
        run_id = history.record(result)
    return f"history: run #{run_id} stored in {target if '://' not in target else 'the database'}"


def _report_notes(formats: list[str]) -> list[str]:
    """Notes about the reports written (the liaison pack's HTML fallback)."""
    if "liaison" not in formats:
        return []
    from fundcheck.reports.liaison_report import pdf_unavailable

    note = pdf_unavailable()
    return [note] if note else []


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=SOURCE)
@source_options()
@remote_options
@database_options
@click.option(
    "--checks/--no-checks",
    "run_checks",
    default=None,
    help="Run the aggregate checks (ceilings, concentration, duplicates...) after the record "
    "rules (default: yes).",
)
@execution_options
@run_options(REPORT_FORMATS)
def validate(
    paths: tuple[Path, ...],
    sheet: str | None,
    mapping: Path | None,
    period: str | None,
    table: str | None,
    query: str | None,
    run_checks: bool | None,
    jobs: int | None,
    engine: str | None,
    spark_master: str | None,
    reports: str | None,
    output: Path | None,
    fail_on: str | None,
    lang: str | None,
    config_path: Path | None,
    history: str | None,
    as_of: dt.datetime | None,
    quiet: bool,
    debug: bool,
) -> None:
    """Validate lists of operations (CSV, XLSX, XLS, Parquet) and report anomalies per region.

    \b
    Example:
        fundcheck validate 20260316_liste_operations.xlsx --report json,html --output out/
    """
    values = {
        "sources": database_sources(paths, table, query, debug=debug),
        "sheet": sheet,
        "mapping": mapping,
        "period": period,
        "checks": run_checks,
        "jobs": jobs,
        "engine": engine,
        "spark_master": spark_master,
        "reports": parse_formats(reports, REPORT_FORMATS),
        "output": output,
        "fail_on": fail_on,
        "lang": lang,
    }
    with execution_errors(debug):
        code = _execute(RunRequest(values, config_path, history, as_of), quiet=quiet)
    sys.exit(code)


@cli.command()
@run_options(REPORT_FORMATS)
def demo(
    reports: str | None,
    output: Path | None,
    fail_on: str | None,
    lang: str | None,
    config_path: Path | None,
    history: str | None,
    as_of: dt.datetime | None,
    quiet: bool,
    debug: bool,
) -> None:
    """Validate the embedded demo list of operations (about 2,000 operations, 18 regions, with
    documented injected defects) together with the CPER demo workbooks (13 regions, injected
    defects, operations shared with the list) and write every report.

    \b
    Example:
        fundcheck demo --output demo-report/ --lang en
    """
    from fundcheck.demo import generate_demo, write_demo
    from fundcheck.demo.cper_files import write_cper_demo
    from fundcheck.reports import demo_formats
    from fundcheck.safe_output import prepare_folder

    out = output or Path("fundcheck-demo")
    with execution_errors(debug):
        prepare_folder(out, ["demo_liste_operations_2021_2027.xlsx"], [])
        dataset = generate_demo()
        source = write_demo(out / "demo_liste_operations_2021_2027.xlsx", dataset)
        cper_sources, cper_demo = write_cper_demo(out, dataset)
        values = {
            "sources": [source, *cper_sources],
            "reports": parse_formats(reports, REPORT_FORMATS) or demo_formats(),
            "output": out,
            "fail_on": fail_on or "never",
            "lang": lang,
        }
        title = (
            f"demo list: {source} ({len(dataset.defects)} injected defects); CPER demo: "
            f"{len(cper_sources)} workbooks ({len(cper_demo.defects)} injected defects)"
        )
        # the demo list is the edition of 16 March 2026: judge its freshness and progress then
        request = RunRequest(values, config_path, history, as_of or dt.datetime(2026, 3, 16), title)
        code = _execute(request, quiet=quiet)
    sys.exit(code)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--debug", is_flag=True, help="Show tracebacks of execution errors.")
def rules(as_json: bool, lang: str, debug: bool) -> None:
    """List every rule: id, severity, title, legal basis, and what implements it; with --json,
    also its verification status and the parameters a run may set for it.

    \b
    Example:
        fundcheck rules --json > rules.json
    """
    from fundcheck.catalogue import all_rules
    from fundcheck.parameters import parameters_by_rule
    from fundcheck.reports.listings import print_rules, rules_payload

    with execution_errors(debug):
        catalogue = all_rules()
        if as_json:
            payload = rules_payload(catalogue, parameters_by_rule())
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
            return
    print_rules(catalogue, Console(), lang)


cli_tools.register(cli)
cli_remote.register(cli)


def main() -> None:
    """Console-script entry point: SIGINT exits 130 and SIGTERM 143, after cleaning up."""
    install()
    atexit.register(gc.freeze)  # the exit's last collections walk every object: 0.1 s, 1 s with GX
    try:
        cli(prog_name="fundcheck")
    except Interrupted as stop:
        try:
            stderr.print(f"interrupted ({stop}): nothing more written", highlight=False)
        finally:
            sys.exit(stop.exit_code)
