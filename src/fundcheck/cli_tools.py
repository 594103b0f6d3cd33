"""The commands around a validation: ``diff`` (two editions), ``history`` (stored runs),
``inspect`` (how a source is read) and ``template`` (the CPER follow-up workbook)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console

from fundcheck.cli_options import (
    ExitCode,
    config_options,
    database_options,
    database_sources,
    execution_errors,
    file_config,
    output_options,
    parse_formats,
    quiet_debug_options,
    source_options,
    stderr,
)
from fundcheck.cli_remote import SOURCE, remote_options
from fundcheck.display import markup_safe
from fundcheck.errors import ConfigError
from fundcheck.reports.formats import DIFF_FORMATS

DIFF_FOLDER = Path("fundcheck-diff")
DIFF_MANIFEST = "diff-manifest.json"


@click.command()
@click.argument("old", type=SOURCE)
@click.argument("new", type=SOURCE)
@source_options()
@remote_options
@output_options(DIFF_FORMATS, "fundcheck-diff", "diff report")
@click.option(
    "--fail-on-new",
    type=click.Choice(["error", "warning", "never"]),
    default="never",
    show_default=True,
    help="Exit with code 1 when the new edition has new findings at or above this severity.",
)
@config_options
@quiet_debug_options
def diff(
    old: Path,
    new: Path,
    sheet: str | None,
    mapping: Path | None,
    period: str | None,
    reports: str | None,
    output: Path | None,
    fail_on_new: str,
    lang: str | None,
    config_path: Path | None,
    quiet: bool,
    debug: bool,
) -> None:
    """Compare two editions of a list of operations, per region: vanished, new and changed
    operations (amounts, dates), and new, resolved and persisting findings.

    \b
    Example:
        fundcheck diff liste_2026_01.xlsx liste_2026_03.xlsx --report json,html --output diff/
    """
    from fundcheck.config import FailOn, build_config
    from fundcheck.diff import Edition, compare
    from fundcheck.model import Severity
    from fundcheck.pipeline import read_and_validate
    from fundcheck.reports import DIFF_REPORTS
    from fundcheck.reports.diff_report import write_diff
    from fundcheck.reports.listings import diff_verdict, print_diff
    from fundcheck.safe_output import prepare_folder, write_set

    formats = parse_formats(reports, DIFF_FORMATS) or []
    folder = output or DIFF_FOLDER
    with execution_errors(debug):
        file_values = file_config(config_path)
        options = {"sheet": sheet, "mapping": mapping, "period": period, "lang": lang}
        inputs = [old, new, *(p for p in (mapping, config_path) if p is not None)]
        if formats:
            names = [DIFF_MANIFEST, *(DIFF_REPORTS[name].file_name for name in formats)]
            prepare_folder(folder, names, inputs)
        editions = []
        with stderr.status("fundcheck", spinner="dots") as status:
            for path in (old, new):
                config = build_config(file_values, sources=[path], **options)
                result, record_sets = read_and_validate(
                    config, progress=lambda message: status.update(markup_safe(message))
                )
                editions.append(Edition(result, record_sets))
            status.update("comparing the editions")
            changes = compare(editions[0], editions[1])
            written = (
                write_set(
                    folder,
                    lambda target: write_diff(changes, formats, target, config.lang),
                    inputs=inputs,
                    manifest=DIFF_MANIFEST,
                )
                if formats
                else []
            )
        console = Console()
        if not quiet:
            print_diff(changes, console)
            for path in written:
                console.print(f"report: {markup_safe(path)}", highlight=False, soft_wrap=True)
        threshold = FailOn(fail_on_new).severity
        failing = 0
        if threshold is not None:
            fresh = changes.findings[changes.findings["status"] == "new"]
            ranks = fresh["severity"].map(lambda value: Severity(value).rank)
            failing = int((ranks >= threshold.rank).sum())
        console.print(diff_verdict(changes, failing), highlight=False)
    sys.exit(ExitCode.FINDINGS if failing else ExitCode.OK)


@click.command()
@click.option(
    "--history",
    "target",
    metavar="PATH|URL",
    envvar="FUNDCHECK_HISTORY",
    required=True,
    help="The history: a SQLite file, or a SQLAlchemy URL (env FUNDCHECK_HISTORY).",
)
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--region", help="Show the trend of one region only (INSEE code or 'national').")
@click.option("--json", "as_json", is_flag=True, help="Print runs and trend as JSON.")
@click.option("--debug", is_flag=True, help="Show tracebacks of execution errors.")
def history(target: str, limit: int, region: str | None, as_json: bool, debug: bool) -> None:
    """List the stored runs and the trend of findings per region.

    \b
    Example:
        fundcheck validate liste.xlsx --history runs.sqlite
        fundcheck history --history runs.sqlite --limit 5
    """
    from fundcheck.history import History
    from fundcheck.reports.listings import history_payload, print_history

    with execution_errors(debug):
        if "://" not in target and not Path(target).exists():
            raise ConfigError("no run history here (store runs with --history)", location=target)
        with History(target) as store:
            runs = store.runs(limit=limit)
            trend = store.trend(region=region, limit=limit)
    if as_json:
        click.echo(json.dumps(history_payload(runs, trend), ensure_ascii=False, indent=2))
        return
    print_history(runs, trend, Console())


@click.command(name="inspect")
@click.argument("path", type=SOURCE)
@source_options(with_period=False)
@remote_options
@database_options
@click.option("--json", "as_json", is_flag=True, help="Print the inspection as JSON.")
@click.option("--debug", is_flag=True, help="Show tracebacks of execution errors.")
def inspect_command(
    path: Path | str,
    sheet: str | None,
    mapping: Path | None,
    table: str | None,
    query: str | None,
    as_json: bool,
    debug: bool,
) -> None:
    """Show how a source is read: for each column, the canonical field it feeds and why; the
    columns left unmapped; the canonical fields missing. Exit 3 if it cannot be mapped.

    \b
    Example:
        fundcheck inspect ListOfOperations_20160513.csv
    """
    from fundcheck.cper_pipeline import is_cper_source

    (source,) = database_sources([path], table, query, debug=debug)
    from fundcheck.connectors.spark_source import SparkFile

    if isinstance(source, SparkFile):
        raise click.UsageError("inspect reads local files and databases, not files Spark reads")
    if isinstance(source, Path) and is_cper_source(source):
        from fundcheck.cper_inspect import inspect_cper, print_cper_inspection

        with execution_errors(debug):
            cper = inspect_cper(source)
        if as_json:
            click.echo(json.dumps(cper, ensure_ascii=False, indent=2, default=str))
        else:
            print_cper_inspection(cper, Console())
        return
    from fundcheck.inspection import inspect_source, print_inspection

    with execution_errors(debug):
        inspection = inspect_source(source, sheet=sheet, mapping=mapping)
    if as_json:
        click.echo(json.dumps(inspection.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_inspection(inspection, Console())
    sys.exit(ExitCode.OK if inspection.mappable else ExitCode.EXECUTION)


@click.command()
@click.argument("kind", type=click.Choice(["cper"]))
@click.option("--region", help="INSEE code of the region (2016) to pre-fill in the workbook.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Workbook to write (default: ./modele_suivi_cper[_REGION].xlsx).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of execution errors.")
def template(kind: str, region: str | None, output: Path | None, debug: bool) -> None:
    """Write the standard CPER follow-up workbook: one sheet per table (contracts, amendments,
    volets, envelopes, operations, financing plans, yearly AE/CP execution), French headers,
    drop-down lists for coded columns and a README sheet. Schema: docs/cper_schema.md.

    \b
    Example:
        fundcheck template cper --region 52 --output suivi_cper_52.xlsx
    """
    from fundcheck.connectors.cper_template import write_workbook

    with execution_errors(debug):
        if region is not None and not (len(region) == 2 and region.isdigit()):
            raise ConfigError(f"--region expects a 2-digit INSEE region code, not {region!r}")
        suffix = f"_{region}" if region else ""
        path = output or Path(f"modele_suivi_{kind}{suffix}.xlsx")
        write_workbook(path, region=region)
    Console().print(f"template: {markup_safe(path)}", highlight=False, soft_wrap=True)


def register(group: click.Group) -> None:
    """Add the commands of this module to the ``fundcheck`` group."""
    for command in (diff, history, inspect_command, template):
        group.add_command(command)
