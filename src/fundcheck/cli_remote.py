"""Command-line side of remote sources: URIs wherever a path is, ``fetch``, ``sources``.

A source argument that is a URI (``datagouv:``, ``cohesiondata:``, ``kohesio:``, ``http(s)://``)
is resolved to its local cached copy before the command runs; the options ``--offline``,
``--refresh`` and ``--cache-dir`` are processed first (eager) so the resolution can use them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from fundcheck.display import markup_safe
from fundcheck.errors import FundcheckError

F = TypeVar("F", bound=Callable[..., Any])
_META = "fundcheck.remote"
_LOCAL = click.Path(readable=False, path_type=Path)  # checked by the connector (exit 3)


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None and param.name:
        ctx.meta.setdefault(_META, {})[param.name] = value
    return value


def remote_options(fn: F) -> F:
    """``--offline``, ``--refresh`` and ``--cache-dir`` for commands that take sources."""
    for decorator in reversed(
        (
            click.option(
                "--offline",
                is_flag=True,
                default=None,
                is_eager=True,
                expose_value=False,
                callback=_remember,
                help="Read source URIs from the cache only; no network request.",
            ),
            click.option(
                "--refresh",
                is_flag=True,
                default=None,
                is_eager=True,
                expose_value=False,
                callback=_remember,
                help="Download source URIs again even when the cached edition is current.",
            ),
            click.option(
                "--cache-dir",
                type=click.Path(file_okay=False, path_type=Path),
                envvar="FUNDCHECK_CACHE_DIR",
                is_eager=True,
                expose_value=False,
                callback=_remember,
                help="Cache of fetched sources (env FUNDCHECK_CACHE_DIR; default: the user "
                "cache folder).",
            ),
        )
    ):
        fn = decorator(fn)
    return fn


def settings_from(ctx: click.Context) -> Any:
    """Remote settings from the environment and the command's remote options."""
    from fundcheck.connectors.remote.settings import RemoteSettings

    options = ctx.meta.get(_META, {})
    if options.get("offline") and options.get("refresh"):
        raise click.UsageError("--offline and --refresh exclude each other")
    return RemoteSettings.from_env(**options)


def _fail(error: FundcheckError) -> None:
    Console(stderr=True).print(
        f"[bold red]error:[/] {markup_safe(error.describe())}", highlight=False, soft_wrap=True
    )
    sys.exit(3)


if TYPE_CHECKING:  # click >= 8.2 makes ParamType generic
    _ParamType = click.ParamType[Path | None, Any]
else:
    _ParamType = click.ParamType


class SourceParam(_ParamType):
    """A local file path, a source URI resolved to its cached copy (exit 3 if unavailable), a
    database URL or a file URI that Spark reads (both kept as text)."""

    name = "PATH|URI"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from fundcheck.connectors.remote.uris import is_uri
        from fundcheck.connectors.spark_source import is_hadoop_uri
        from fundcheck.connectors.sql_source import is_database_url

        if not isinstance(value, Path) and is_database_url(str(value)):
            return str(value)  # read by the database connector (--table or --query)
        if not isinstance(value, Path) and is_hadoop_uri(str(value)):
            return str(value)  # read by Spark (hdfs://, s3a://, file://...)
        if isinstance(value, Path) or not is_uri(str(value)):
            return _LOCAL.convert(value, param, ctx)
        from fundcheck.connectors.remote.fetch import resolve

        try:
            settings = settings_from(ctx or click.get_current_context())
            with Console(stderr=True).status(f"fetching {markup_safe(value)}", spinner="dots"):
                return resolve(str(value), settings).path
        except FundcheckError as exc:
            _fail(exc)
        return None  # unreachable


SOURCE = SourceParam()


@click.command()
@click.argument("uris", nargs=-1, required=True)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the downloaded files (each with its .provenance.json).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the provenance of each file as JSON.")
@remote_options
@click.pass_context
def fetch(ctx: click.Context, uris: tuple[str, ...], output: Path, as_json: bool) -> None:
    """Download sources by URI into a folder, without validating them.

    \b
    URIs:
        datagouv:DATASET[/RESOURCE]    data.gouv.fr dataset (id or slug), newest main table
        cohesiondata:4x4-ID[?SoQL]     Cohesion Open Data, every page (e.g. ?ms=FR)
        kohesio:projects?PARAMS        Kohesio project search; kohesio:dump/KEY: a bulk dump
        https://...                    any file
    Example:
        fundcheck fetch 'cohesiondata:hgyj-gyin?ms=FR' --output data/
    """
    from fundcheck.connectors.remote.fetch import export, resolve
    from fundcheck.connectors.remote.uris import is_uri

    settings = settings_from(ctx)
    console = Console()
    report = []
    for uri in uris:
        try:
            if not is_uri(uri):
                raise click.BadParameter(f"not a source URI: {uri}", param_hint="URIS")
            cached = resolve(uri, settings)
            target = export(cached, output)
        except FundcheckError as exc:
            _fail(exc)
        origin = cached.origin
        report.append({"path": str(target), **origin.model_dump(mode="json")})
        if not as_json:
            console.print(
                f"{uri} -> {target} ({origin.size:,} bytes, sha256 {origin.sha256[:12]}, "
                f"edition {origin.edition or '?'}, fetched {origin.fetched_at})",
                highlight=False,
                soft_wrap=True,
            )
            for note in origin.notes:
                console.print(f"note: {note}", highlight=False, soft_wrap=True)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
def sources(as_json: bool) -> None:
    """List the known public sources with their URIs (status V: seen in a real payload,
    C: described by a third party, to be confirmed).

    \b
    Example:
        fundcheck validate "$(fundcheck sources --json | jq -r '.[0].uri')"
    """
    from dataclasses import asdict

    from rich.table import Table

    from fundcheck.connectors.remote.catalogue import KNOWN_SOURCES

    if as_json:
        click.echo(json.dumps([asdict(s) for s in KNOWN_SOURCES], ensure_ascii=False, indent=2))
        return
    table = Table(title="known public sources")
    for column in ("uri", "title", "platform", "status"):
        table.add_column(column, overflow="fold")
    for source in KNOWN_SOURCES:
        table.add_row(source.uri, source.title, source.platform, source.status)
    Console().print(table)


@click.group()
def reference() -> None:
    """Reference data (programme allocations, planned finances) and their refresh."""


@reference.command(name="update")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the new snapshot (default: <cache>/reference). The packaged files are "
    "never modified.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@remote_options
@click.pass_context
def reference_update(ctx: click.Context, output: Path | None, as_json: bool) -> None:
    """Fetch programme allocations (2021-2027 hgyj-gyin) and planned finances (2014-2020
    e4v6-qrrq) from Cohesion Open Data, write a new snapshot and show what changed against the
    packaged one. Use the snapshot with FUNDCHECK_REFERENCE_DIR=<folder>.

    \b
    Example:
        fundcheck reference update --output ref/
        FUNDCHECK_REFERENCE_DIR=ref/ fundcheck validate liste.xlsx
    """
    from dataclasses import asdict

    from rich.table import Table

    from fundcheck.reference_update import update_reference

    try:
        result = update_reference(settings_from(ctx), output)
    except FundcheckError as exc:
        _fail(exc)
    if as_json:
        payload = [{**asdict(c), "kind": c.kind} for c in result.changes]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console()
    table = Table(title=f"{len(result.changes)} allocation(s) differ from the packaged snapshot")
    for column in ("file", "CCI", "fund", "packaged", "source", "change"):
        table.add_column(column, justify="right" if column in ("packaged", "source") else "left")
    for change in result.changes:
        table.add_row(
            change.file,
            change.cci,
            change.fund,
            "-" if change.packaged is None else f"{change.packaged:,.0f}",
            "-" if change.source is None else f"{change.source:,.0f}",
            change.kind,
        )
    console.print(table)
    console.print(
        f"snapshot: {result.folder} (use it with FUNDCHECK_REFERENCE_DIR={result.folder})",
        highlight=False,
        soft_wrap=True,
    )


def register(group: click.Group) -> None:
    """Add the remote-source commands to the CLI."""
    group.add_command(fetch)
    group.add_command(sources)
    group.add_command(reference)
