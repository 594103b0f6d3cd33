"""The ``fundcheck`` command line: parse, call the pipeline, render, choose the exit code."""

from __future__ import annotations

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

from fundcheck import __version__
from fundcheck.errors import ConfigError, FundcheckError

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
F = TypeVar("F", bound=Callable[..., Any])


class ExitCode(IntEnum):
    """Exit codes, a stable contract for CI pipelines.

    0: no finding at or above ``--fail-on``
    1: findings at or above ``--fail-on``
    2: usage error (unknown option, missing argument: click's own)
    3: execution error (unreadable source, unmappable columns, bad configuration or suite)
    """

    OK = 0
    FINDINGS = 1
    USAGE = 2
    EXECUTION = 3


REPORT_FORMATS = ("json", "html", "xlsx", "junit", "markdown")
DEFAULT_DEMO_REPORTS = REPORT_FORMATS

stderr = Console(stderr=True)


@contextmanager
def _execution_errors(debug: bool) -> Iterator[None]:
    """Turn execution errors into a clear message and exit code 3 (traceback only with --debug)."""
    try:
        yield
    except FundcheckError as exc:
        if debug:
            traceback.print_exc()
        stderr.print(f"[bold red]error:[/] {exc.describe()}", highlight=False, soft_wrap=True)
        sys.exit(ExitCode.EXECUTION)
    except (KeyboardInterrupt, click.exceptions.Exit, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - last resort: never a raw traceback for the user
        if debug:
            traceback.print_exc()
        stderr.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc} "
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
                type=click.Path(file_okay=False, path_type=Path),
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


def _execute(config_values: dict[str, Any], *, quiet: bool, title: str | None = None) -> int:
    """Run the pipeline, write the reports, print the summary; return the exit code."""
    from fundcheck.config import build_config
    from fundcheck.output import write_reports
    from fundcheck.pipeline import run
    from fundcheck.reports.console_report import print_summary

    config_path = config_values.pop("config_path")
    config = build_config(_file_config(config_path), **config_values)
    with stderr.status("fundcheck", spinner="dots") as status:
        result = run(config, progress=lambda message: status.update(message))
        written: list[Path] = []
        if config.reports:
            status.update("writing reports")
            written = write_reports(
                result,
                config.reports,
                config.output,
                lang=config.lang,
                fail_on=config.fail_on.severity,
            )
    console = Console()
    if not quiet:
        if title:
            console.print(title)
        print_summary(result, console, config.lang)
        for path in written:
            console.print(f"report: {path}", highlight=False, soft_wrap=True)
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
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--sheet", help="Workbook sheet to read (default: the sheet that looks like a list).")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML mapping {source header: canonical field} for a file fundcheck does not recognise.",
)
@click.option(
    "--period",
    type=click.Choice(["2014-2020", "2021-2027"]),
    help="Programming period of every record (default: read per record from its CCI).",
)
@run_options
def validate(
    paths: tuple[Path, ...],
    sheet: str | None,
    mapping: Path | None,
    period: str | None,
    reports: str | None,
    output: Path | None,
    fail_on: str | None,
    lang: str | None,
    config_path: Path | None,
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
        "reports": _parse_reports(reports),
        "output": output,
        "fail_on": fail_on,
        "lang": lang,
        "config_path": config_path,
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
    quiet: bool,
    debug: bool,
) -> None:
    """Validate the embedded demo list of operations (about 2,000 operations, 18 regions, with
    documented injected defects) and write every report.

    \b
    Example:
        fundcheck demo --output demo-report/ --lang en
    """
    from fundcheck.demo import generate_demo, write_demo

    out = output or Path("fundcheck-demo")
    with _execution_errors(debug):
        out.mkdir(parents=True, exist_ok=True)
        dataset = generate_demo()
        source = write_demo(out / "demo_liste_operations_2021_2027.xlsx", dataset)
        values = {
            "sources": [source],
            "reports": _parse_reports(reports) or list(DEFAULT_DEMO_REPORTS),
            "output": out,
            "fail_on": fail_on or "never",
            "lang": lang,
            "config_path": config_path,
        }
        code = _execute(
            values,
            quiet=quiet,
            title=f"demo list: {source} ({len(dataset.defects)} injected defects)",
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="fundcheck")
