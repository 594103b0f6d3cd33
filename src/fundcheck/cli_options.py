"""What every ``fundcheck`` command shares: exit codes, clean execution errors, option bundles.

Commands compose these bundles instead of declaring the same option twice; the report formats a
command offers come from the report registries (``fundcheck.reports``).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from fundcheck.display import markup_safe
from fundcheck.errors import ConfigError, FundcheckError

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
stderr = Console(stderr=True)


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


@contextmanager
def execution_errors(debug: bool) -> Iterator[None]:
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


def parse_formats(value: str | None, choices: Sequence[str]) -> list[str] | None:
    """The formats of a ``--report a,b`` option (None when not given); an unknown one is a usage
    error naming the choices."""
    if value is None:
        return None
    formats = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [f for f in formats if f not in choices]
    if unknown:
        raise click.BadParameter(
            f"unknown format(s) {', '.join(unknown)}; choose among {', '.join(choices)}",
            param_hint="--report",
        )
    return formats


def file_config(config_path: Path | None) -> dict[str, Any]:
    """The values of the configuration file: the one given, else ./fundcheck.toml if present."""
    from fundcheck.config import load_toml

    if config_path is not None:
        if not config_path.exists():
            raise ConfigError("configuration file not found", location=str(config_path))
        return load_toml(config_path)
    default = Path("fundcheck.toml")
    return load_toml(default) if default.exists() else {}


def _apply(fn: F, decorators: Sequence[Callable[[F], F]]) -> F:
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def source_options(*, with_period: bool = True) -> Callable[[F], F]:
    """Options that say how to read a source: sheet, mapping file and (optionally) period."""
    options = [
        click.option(
            "--sheet", help="Workbook sheet to read (default: the sheet that looks like a list)."
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
                help="Programming period of every record (default: read per record from its CCI).",
            )
        )
    return lambda fn: _apply(fn, options)


def database_options(fn: F) -> F:
    """``--table`` and ``--query``: what to read from a database URL."""
    return _apply(
        fn,
        [
            click.option(
                "--table",
                metavar="[SCHEMA.]TABLE",
                help="With a database URL (postgresql://, mysql://, mariadb://, sqlite:///): the "
                "table to read, read-only.",
            ),
            click.option(
                "--query", metavar="SELECT", help="With a database URL: a SELECT query to read."
            ),
        ],
    )


def execution_options(fn: F) -> F:
    """``--jobs``, ``--engine`` and ``--spark-master``: how many processes, where the record
    rules run."""
    return _apply(
        fn,
        [
            click.option(
                "--jobs",
                type=click.IntRange(min=1),
                help="Processes: 2 starts the rule engine (GX) in a second process while the "
                "lists are read, where it then finds the failing rows, and shares the aggregate "
                "checks between this process and a third one (with --no-checks, GX validates "
                "half of the expectations in each of two processes); 1 does everything in this "
                "process (default: the rule engine apart on two cores, the checks shared from "
                "20,000 records when the machine has the memory for another process).",
            ),
            click.option(
                "--engine",
                type=click.Choice(["pandas", "spark"]),
                help="Where the record rules (the GX suites) run: pandas, GX's pandas engine on "
                "this machine (default), or spark, through GX's Spark engine (needs the spark "
                "extra and Java 17+).",
            ),
            click.option(
                "--spark-master",
                metavar="URL",
                help="Spark master for --engine spark and for files Spark reads (hdfs://, "
                "s3a://, file://...): local[2] (default), spark://HOST:7077, yarn...",
            ),
        ],
    )


def database_sources(
    paths: Sequence[Any], table: str | None, query: str | None, *, debug: bool = False
) -> list[Any]:
    """Files as paths; a database URL (a str) with its table or query, as an SqlSource; a file
    URI that Spark reads (``hdfs://``, ``s3a://``, ``file://``...) as a SparkFile."""
    from fundcheck.connectors.spark_source import SparkFile, is_hadoop_uri
    from fundcheck.connectors.sql_source import SqlSource

    databases = [p for p in paths if isinstance(p, str) and not is_hadoop_uri(p)]
    if (table or query) and not databases:
        raise click.UsageError("--table and --query go with a database URL")
    if len(databases) > 1:
        raise click.UsageError("give one database URL at a time")
    with execution_errors(debug):
        return [
            (SparkFile(p) if is_hadoop_uri(p) else SqlSource(p, table, query))
            if isinstance(p, str)
            else p
            for p in paths
        ]


def output_options(formats: Sequence[str], default_folder: str, what: str) -> Callable[[F], F]:
    """``--report FORMATS`` (among ``formats``) and ``--output FOLDER``."""
    options = [
        click.option(
            "--report",
            "reports",
            metavar="FORMATS",
            help=f"Comma-separated {what} formats to write: {', '.join(formats)}.",
        ),
        click.option(
            "--output",
            type=click.Path(path_type=Path),
            help=f"Folder for the {what}s (default: ./{default_folder}).",
        ),
    ]
    return lambda fn: _apply(fn, options)


def config_options(fn: F) -> F:
    """``--lang`` and ``--config``."""
    return _apply(
        fn,
        [
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
        ],
    )


def quiet_debug_options(fn: F) -> F:
    """``--quiet`` and ``--debug``."""
    return _apply(
        fn,
        [
            click.option("--quiet", is_flag=True, help="Print only the verdict line."),
            click.option("--debug", is_flag=True, help="Show tracebacks of execution errors."),
        ],
    )


def run_options(formats: Sequence[str]) -> Callable[[F], F]:
    """Options shared by the commands that run a validation."""
    options: list[Callable[[F], F]] = [
        output_options(formats, "fundcheck-report", "report"),
        click.option(
            "--fail-on",
            type=click.Choice(["error", "warning", "never"]),
            help="Exit with code 1 when findings at or above this severity exist (default: error).",
        ),
        config_options,
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
            help="Reference date (YYYY-MM-DD) for freshness and progress rules (default: today).",
        ),
        quiet_debug_options,
    ]
    return lambda fn: _apply(fn, options)
