"""The ``fundcheck`` command line: parse, call the pipeline, render, choose the exit code."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from fundcheck import __version__
from fundcheck.cli_remote import SOURCE, register, remote_options
from fundcheck.display import markup_safe, printable
from fundcheck.errors import ConfigError, FundcheckError
from fundcheck.interrupts import Interrupted, install

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
F = TypeVar("F", bound=Callable[..., Any])


class ExitCode(IntEnum):
    """Exit codes, a stable contract for CI pipelines.

    0: no finding at or above ``--fail-on``
    1: findings at or above ``--fail-on``
    2: usage error (unknown option, missing argument: click's own)
    3: execution error (unreadable source, unmappable columns, bad configuration or suite)
    130: interrupted by SIGINT (Ctrl-C), 143: stopped by SIGTERM, after removing temporary files
    """

    OK = 0
    FINDINGS = 1
    USAGE = 2
    EXECUTION = 3
    SIGINT = 130
    SIGTERM = 143


REPORT_FORMATS = ("json", "html", "xlsx", "junit", "markdown", "liaison")
DEFAULT_DEMO_REPORTS = ("json", "html", "xlsx", "junit", "markdown")
DIFF_FORMATS = ("json", "markdown", "html")
DIFF_FILES = {"json": "diff.json", "markdown": "diff.md", "html": "diff.html"}

stderr = Console(stderr=True)


@contextmanager
def _execution_errors(debug: bool) -> Iterator[None]:
    """Turn execution errors into a clear message and exit code 3 (traceback only with --debug)."""
    try:
        yield
    except FundcheckError as exc:
        if debug:
            traceback.print_exc()
        stderr.print(
            f"[bold red]error:[/] {markup_safe(exc.describe())}", highlight=False, soft_wrap=True
        )
        sys.exit(ExitCode.EXECUTION)
    except (KeyboardInterrupt, click.exceptions.Exit, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - last resort: never a raw traceback for the user
        if debug:
            traceback.print_exc()
        stderr.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {markup_safe(exc)} "
            "(run again with --debug for the traceback)",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(ExitCode.EXECUTION)


def _parse_reports(value: str | None) -> list[str] | None:
    if value is None:
        return None
    formats = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [f for f in formats if f not in REPORT_FORMATS]
    if unknown:
        raise click.BadParameter(
            f"unknown format(s) {', '.join(unknown)}; choose among {', '.join(REPORT_FORMATS)}",
            param_hint="--report",
        )
    return formats


def source_options(*, with_period: bool = True) -> Callable[[F], F]:
    """Options that say how to read a source: sheet, mapping file and (optionally) period."""

    def decorate(fn: F) -> F:
        options = [
            click.option(
                "--sheet",
                help="Workbook sheet to read (default: the sheet that looks like a list).",
            ),
            click.option(
                "--mapping",
                type=click.Path(readable=False, path_type=Path),
                help="A YAML mapping {source header: canonical field} for a file fundcheck "
                "does not recognise.",
            ),
        ]
        if with_period:
            options.append(
                click.option(
                    "--period",
                    type=click.Choice(["2014-2020", "2021-2027"]),
                    help="Programming period of every record (default: read per record from "
                    "its CCI).",
                )
            )
        for decorator in reversed(options):
            fn = decorator(fn)
        return fn

    return decorate


def run_options(fn: F) -> F:
    """Options shared by the commands that run a validation."""
    for decorator in reversed(
        (
            click.option(
                "--report",
                "reports",
                metavar="FORMATS",
                help=f"Comma-separated report formats to write: {', '.join(REPORT_FORMATS)}.",
            ),
            click.option(
                "--output",
                type=click.Path(path_type=Path),
                help="Folder for the reports (default: ./fundcheck-report).",
            ),
            click.option(
                "--fail-on",
                type=click.Choice(["error", "warning", "never"]),
                help="Exit with code 1 when findings at or above this severity exist "
                "(default: error).",
            ),
            click.option(
                "--lang",
                type=click.Choice(["fr", "en"]),
                help="Language of messages and reports (default: fr).",
            ),
            click.option(
                "--config",
                "config_path",
                type=click.Path(dir_okay=False, path_type=Path),
                help="A fundcheck.toml file (default: ./fundcheck.toml when present).",
            ),
            click.option(
                "--history",
                metavar="PATH|URL",
                envvar="FUNDCHECK_HISTORY",
                help="Store the run in this history: a SQLite file, or a SQLAlchemy URL "
                "(env FUNDCHECK_HISTORY).",
            ),
            click.option(
                "--as-of",
                type=click.DateTime(formats=["%Y-%m-%d"]),
                help="Reference date (YYYY-MM-DD) for freshness and progress rules "
                "(default: today).",
            ),
            click.option("--quiet", is_flag=True, help="Print only the verdict line."),
            click.option("--debug", is_flag=True, help="Show tracebacks of execution errors."),
        )
    ):
        fn = decorator(fn)
    return fn


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="fundcheck")
def cli() -> None:
    """fundcheck: data-quality and compliance checks for EU structural funds lists of operations.

    Reads published lists of operations (FEDER/ERDF, FSE+/ESF+, FTJ/JTF...), validates every record
    against the rules of its programming period, and reports every anomaly per region, with its
    row, its rule and its legal basis.
    """


def _file_config(config_path: Path | None) -> dict[str, Any]:
    from fundcheck.config import load_toml

    if config_path is not None:
        if not config_path.exists():
            raise ConfigError("configuration file not found", location=str(config_path))
        return load_toml(config_path)
    default = Path("fundcheck.toml")
    return load_toml(default) if default.exists() else {}


def _inputs(
    sources: list[Path], mapping: Path | None, config_path: Path | None, history: str | None
) -> list[Path]:
    """Every file the run reads: no report may be written over one of them."""
    found = [*sources, *(p for p in (mapping, config_path) if p is not None)]
    if history and "://" not in history:
        found.append(Path(history))
    return found


def _execute(config_values: dict[str, Any], *, quiet: bool, title: str | None = None) -> int:
    """Run the pipeline, write the reports, print the summary; return the exit code."""
    from fundcheck.config import build_config
    from fundcheck.output import check_output, write_reports
    from fundcheck.pipeline import run
    from fundcheck.reports.console_report import print_summary

    config_path = config_values.pop("config_path")
    history = config_values.pop("history", None)
    as_of = config_values.pop("as_of", None)
    config = build_config(_file_config(config_path), **config_values)
    if as_of is not None:
        config.parameters["as_of"] = as_of.date().isoformat()
    inputs = _inputs(config.sources, config.mapping, config_path, history)
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
        stored = _store_history(history, result) if history else None
    console = Console()
    if not quiet:
        if title:
            console.print(markup_safe(title))
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
    verdict = "FAIL" if failing else "PASS"
    console.print(
        f"{verdict}: {result.records:,} records, {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} notes (fail-on: {config.fail_on.value})",
        highlight=False,
    )
    return ExitCode.FINDINGS if failing else ExitCode.OK


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=SOURCE)
@source_options()
@remote_options
@click.option(
    "--checks/--no-checks",
    "run_checks",
    default=None,
    help="Run the aggregate checks (ceilings, concentration, duplicates...) after the record "
    "rules (default: yes).",
)
@run_options
def validate(
    paths: tuple[Path, ...],
    sheet: str | None,
    mapping: Path | None,
    period: str | None,
    run_checks: bool | None,
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
        "sources": list(paths),
        "sheet": sheet,
        "mapping": mapping,
        "period": period,
        "checks": run_checks,
        "reports": _parse_reports(reports),
        "output": output,
        "fail_on": fail_on,
        "lang": lang,
        "config_path": config_path,
        "history": history,
        "as_of": as_of,
    }
    with _execution_errors(debug):
        code = _execute(values, quiet=quiet)
    sys.exit(code)


@cli.command()
@run_options
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

    out = output or Path("fundcheck-demo")
    with _execution_errors(debug):
        from fundcheck.safe_output import prepare_folder

        prepare_folder(out, ["demo_liste_operations_2021_2027.xlsx"], [])
        dataset = generate_demo()
        source = write_demo(out / "demo_liste_operations_2021_2027.xlsx", dataset)
        cper_sources, cper_demo = _cper_demo(out, dataset)
        values = {
            "sources": [source, *cper_sources],
            "reports": _parse_reports(reports) or list(DEFAULT_DEMO_REPORTS),
            "output": out,
            "fail_on": fail_on or "never",
            "lang": lang,
            "config_path": config_path,
            "history": history,
            # the demo list is the edition of 16 March 2026: judge its freshness and progress then
            "as_of": as_of or dt.datetime(2026, 3, 16),
        }
        code = _execute(
            values,
            quiet=quiet,
            title=f"demo list: {source} ({len(dataset.defects)} injected defects); CPER demo: "
            f"{len(cper_sources)} workbooks ({len(cper_demo.defects)} injected defects)",
        )
    sys.exit(code)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--debug", is_flag=True, help="Show tracebacks of execution errors.")
def rules(as_json: bool, lang: str, debug: bool) -> None:
    """List every rule: id, severity, title, legal basis, and what implements it.

    \b
    Example:
        fundcheck rules --json > rules.json
    """
    from rich.table import Table

    from fundcheck.catalogue import all_rules

    with _execution_errors(debug):
        catalogue = all_rules()
    if as_json:
        payload = [
            {
                "id": r.id,
                "severity": r.severity.value,
                "origin": r.origin,
                "scope": r.scope,
                "family": r.family,
                "title_fr": r.title_fr,
                "title_en": r.title_en,
                "legal_basis": r.legal_basis,
                "status": r.status,
            }
            for r in catalogue
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = Table(title="fundcheck rules")
    for column in ("id", "severity", "origin", "title", "legal basis"):
        table.add_column(column)
    for r in catalogue:
        title = r.title_fr if lang == "fr" else r.title_en
        table.add_row(r.id, r.severity.value, r.origin, title, r.legal_basis)
    Console().print(table)


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


def _parse_diff_reports(value: str | None) -> list[str]:
    formats = [part.strip() for part in (value or "").split(",") if part.strip()]
    unknown = [f for f in formats if f not in DIFF_FORMATS]
    if unknown:
        raise click.BadParameter(
            f"unknown format(s) {', '.join(unknown)}; choose among {', '.join(DIFF_FORMATS)}",
            param_hint="--report",
        )
    return formats


@cli.command()
@click.argument("old", type=SOURCE)
@click.argument("new", type=SOURCE)
@source_options()
@remote_options
@click.option(
    "--report",
    "reports",
    metavar="FORMATS",
    help=f"Comma-separated diff report formats to write: {', '.join(DIFF_FORMATS)}.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="Folder for the diff reports (default: ./fundcheck-diff).",
)
@click.option(
    "--fail-on-new",
    type=click.Choice(["error", "warning", "never"]),
    default="never",
    show_default=True,
    help="Exit with code 1 when the new edition has new findings at or above this severity.",
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language (default: fr).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A fundcheck.toml file (default: ./fundcheck.toml when present).",
)
@click.option("--quiet", is_flag=True, help="Print only the verdict line.")
@click.option("--debug", is_flag=True, help="Show tracebacks of execution errors.")
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
    from fundcheck.safe_output import prepare_folder as check_output

    formats = _parse_diff_reports(reports)
    with _execution_errors(debug):
        file_values = _file_config(config_path)
        options = {"sheet": sheet, "mapping": mapping, "period": period, "lang": lang}
        editions = []
        inputs = [old, new, *(p for p in (mapping, config_path) if p is not None)]
        if formats:
            names = ["diff-manifest.json", *(DIFF_FILES[name] for name in formats)]
            check_output(output or Path("fundcheck-diff"), names, inputs)
        with stderr.status("fundcheck", spinner="dots") as status:
            for path in (old, new):
                config = build_config(file_values, sources=[path], **options)
                result, record_sets = read_and_validate(
                    config, progress=lambda message: status.update(markup_safe(message))
                )
                editions.append(Edition(result, record_sets))
            status.update("comparing the editions")
            changes = compare(editions[0], editions[1])
            written = _write_diff(
                changes, formats, output or Path("fundcheck-diff"), config.lang, inputs
            )
        console = Console()
        if not quiet:
            _print_diff(changes, console)
            for written_path in written:
                console.print(
                    f"report: {markup_safe(written_path)}", highlight=False, soft_wrap=True
                )
        counts = changes.counts()
        threshold = FailOn(fail_on_new).severity
        failing = 0
        if threshold is not None:
            fresh = changes.findings[changes.findings["status"] == "new"]
            ranks = fresh["severity"].map(lambda value: Severity(value).rank)
            failing = int((ranks >= threshold.rank).sum())
        console.print(
            f"{'FAIL' if failing else 'DIFF'}: {counts['removed']} vanished, "
            f"{counts['added']} new, {counts['changed']} changed operations; {counts['new']} new, "
            f"{counts['resolved']} resolved, {counts['persisting']} persisting findings",
            highlight=False,
        )
    sys.exit(ExitCode.FINDINGS if failing else ExitCode.OK)


def _write_diff(
    changes: Any, formats: list[str], out: Path, lang: Any, inputs: list[Path]
) -> list[Path]:
    """The diff reports, written as one set (``diff-manifest.json`` last)."""
    from fundcheck.reports.diff_report import write_diff
    from fundcheck.safe_output import write_set

    if not formats:
        return []
    return write_set(
        out,
        lambda folder: write_diff(changes, formats, folder, lang),
        inputs=inputs,
        manifest="diff-manifest.json",
    )


def _print_diff(changes: Any, console: Console) -> None:
    from rich.table import Table

    keys = ("removed", "added", "changed", "new", "resolved", "persisting")
    table = Table(title="changes per region")
    table.add_column("region")
    for key in keys:
        table.add_column(key, justify="right")
    for region, counts in changes.by_region().items():
        name = changes.region_names.get(region, "")
        table.add_row(f"{region} {name}".strip(), *(f"{counts[key]:,}" for key in keys))
    console.print(table)


@cli.command()
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
    from rich.table import Table

    from fundcheck.history import History

    with _execution_errors(debug):
        if "://" not in target and not Path(target).exists():
            raise ConfigError("no run history here (store runs with --history)", location=target)
        with History(target) as store:
            runs = store.runs(limit=limit)
            trend = store.trend(region=region, limit=limit)
    if as_json:
        payload = {
            "runs": [
                {
                    "id": r.id,
                    "generated_at": r.generated_at,
                    "fundcheck_version": r.fundcheck_version,
                    "records": r.records,
                    "error": r.error,
                    "warning": r.warning,
                    "info": r.info,
                    "sources": [
                        {"name": name, "sha256": sha}
                        for name, sha in zip(r.sources, r.sha256, strict=True)
                    ],
                }
                for r in runs
            ],
            "trend": trend.to_dict(orient="records"),
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console()
    table = Table(title="fundcheck runs")
    for column in ("run", "generated", "sources", "records", "errors", "warnings", "notes"):
        table.add_column(column, justify="right" if column in ("records", "errors") else "left")
    for r in runs:
        sources = ", ".join(
            f"{n} ({(s or '')[:8]})" for n, s in zip(r.sources, r.sha256, strict=True)
        )
        table.add_row(
            str(r.id),
            r.generated_at,
            Text(printable(sources)),
            f"{r.records:,}",
            f"{r.error:,}",
            f"{r.warning:,}",
            f"{r.info:,}",
        )
    console.print(table)
    if trend.empty:
        return
    ids = sorted(trend["run_id"].unique())
    chart = Table(title="errors / warnings per region, oldest run first")
    chart.add_column("region")
    for run_id in ids:
        chart.add_column(f"#{run_id}", justify="right")
    cells = {(row.region, row.run_id): f"{row.error}/{row.warning}" for row in trend.itertuples()}
    for key in sorted(trend["region"].unique(), key=lambda k: (k == "national", k)):
        chart.add_row(str(key), *(cells.get((key, run_id), "-") for run_id in ids))
    console.print(chart)


@cli.command(name="inspect")
@click.argument("path", type=SOURCE)
@source_options(with_period=False)
@remote_options
@click.option("--json", "as_json", is_flag=True, help="Print the inspection as JSON.")
@click.option("--debug", is_flag=True, help="Show tracebacks of execution errors.")
def inspect_command(
    path: Path, sheet: str | None, mapping: Path | None, as_json: bool, debug: bool
) -> None:
    """Show how a source is read: for each column, the canonical field it feeds and why; the
    columns left unmapped; the canonical fields missing. Exit 3 if it cannot be mapped.

    \b
    Example:
        fundcheck inspect ListOfOperations_20160513.csv
    """
    from fundcheck.inspection import inspect_source, print_inspection

    if _is_cper(path):
        _inspect_cper(path, as_json=as_json, debug=debug)
        return
    with _execution_errors(debug):
        inspection = inspect_source(path, sheet=sheet, mapping=mapping)
    if as_json:
        click.echo(json.dumps(inspection.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_inspection(inspection, Console())
    sys.exit(ExitCode.OK if inspection.mappable else ExitCode.EXECUTION)


@cli.command()
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

    with _execution_errors(debug):
        if region is not None and not (len(region) == 2 and region.isdigit()):
            raise ConfigError(f"--region expects a 2-digit INSEE region code, not {region!r}")
        suffix = f"_{region}" if region else ""
        path = output or Path(f"modele_suivi_{kind}{suffix}.xlsx")
        write_workbook(path, region=region)
    Console().print(f"template: {markup_safe(path)}", highlight=False, soft_wrap=True)


def _cper_demo(folder: Path, dataset: Any) -> tuple[list[Path], Any]:
    """Write the CPER demo workbooks beside the demo list (validated with it)."""
    from fundcheck.cper_demo_files import write_cper_demo

    return write_cper_demo(folder, dataset)


def _is_cper(path: Path) -> bool:
    from fundcheck.cper_pipeline import is_cper_source

    return is_cper_source(path)


def _inspect_cper(path: Path, *, as_json: bool, debug: bool) -> None:
    """``inspect`` on a CPER workbook: layout, header rows, columns and units per sheet."""
    from fundcheck.cper_inspect import inspect_cper, print_cper_inspection

    with _execution_errors(debug):
        inspection = inspect_cper(path)
    if as_json:
        click.echo(json.dumps(inspection, ensure_ascii=False, indent=2, default=str))
    else:
        print_cper_inspection(inspection, Console())


register(cli)


def main() -> None:
    """Console-script entry point: SIGINT exits 130 and SIGTERM 143, after cleaning up."""
    install()
    try:
        cli(prog_name="fundcheck")
    except Interrupted as stop:
        try:
            stderr.print(f"interrupted ({stop}): nothing more written", highlight=False)
        finally:
            sys.exit(stop.exit_code)
