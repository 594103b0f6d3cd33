"""run(config) -> RunResult: read every source, validate it, gather the findings.

This is the only module that knows every layer: connectors read sources into canonical record sets,
the expectation suites validate each record against the rules of its period, checks validate
aggregates, and the result goes to the renderers.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from fundcheck import __version__
from fundcheck.aside import Held, in_memory, put_aside, taken_back
from fundcheck.catalogue import all_rules, suites_for
from fundcheck.checks import CHECKS
from fundcheck.checks.base import each_check
from fundcheck.checks.frames import CheckData, hash_long_texts
from fundcheck.checks.freshness import edition_date
from fundcheck.checks.shards import checks_in_shards
from fundcheck.columns import in_one_chunk
from fundcheck.config import RunConfig
from fundcheck.connectors import read_source
from fundcheck.connectors.reader_findings import reader_rule
from fundcheck.connectors.rules import OLDER_EDITION_RULE
from fundcheck.connectors.spark_source import SparkFile
from fundcheck.connectors.sql_source import SqlSource
from fundcheck.cper_model import CperDataset
from fundcheck.cper_pipeline import execution_pace, is_cper_source, validate_cper
from fundcheck.cper_pipeline import records_by_region as cper_records_by_region
from fundcheck.expectations import SuiteFile, engine_started, validate
from fundcheck.expectations.engine import Engine, start_pandas_engine
from fundcheck.expectations.runner import GxJob, gx_failing_rows, gx_job
from fundcheck.findings import TEXT, concat_findings, finding, findings_frame, render_message
from fundcheck.memory import release_freed_memory
from fundcheck.model import (
    COVERED_PERIODS,
    NATIONAL_BUCKET,
    PERIOD,
    REGION,
    REGION_BASIS,
    ROW,
    ProgrammeName,
    RecordSet,
    RunResult,
    SuiteRef,
)
from fundcheck.parallel import (
    Background,
    Standby,
    TakingTurns,
    can_fork,
    runs_in_parallel,
    usable_cores,
)
from fundcheck.parts_run import PartsRun, part_reader, validate_in_parts
from fundcheck.reference import Reference, load_reference
from fundcheck.stored_columns import column, columns_of, has_column

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SuitePart:
    """The records of one period of a record set, and a suite of that period to run on them."""

    frame: pd.DataFrame
    suite: SuiteFile
    unreadable: dict[str, pd.Series]  # the cells of these records the reader could not parse


def by_period(frame: pd.DataFrame) -> Iterable[tuple[Any, pd.DataFrame]]:
    """(period, its records) in period order; records of no known period are left out. A
    frame of one period is its own part (not copied: a million rows weigh a gigabyte)."""
    periods = frame[PERIOD]
    distinct = periods.dropna().unique()
    if len(distinct) == 1 and periods.notna().all():
        return [(distinct[0], frame)]
    return frame.groupby(PERIOD, sort=True)


def suite_parts(record_sets: Iterable[RecordSet]) -> list[SuitePart]:
    """Each record set's records by period (in period order), with each suite of the period."""
    out: list[SuitePart] = []
    for record_set in record_sets:
        for period, part in by_period(record_set.frame):
            unreadable = {f: s[s.index.isin(part.index)] for f, s in record_set.unreadable.items()}
            out.extend(
                SuitePart(part, suite, unreadable)
                for suite in suites_for(str(period), record_set.kind.value)
            )
    return out


def suite_findings(
    record_set: RecordSet,
    reference: Reference,
    parameters: dict[str, Any],
    engine: Engine,
    *,
    two_cores: bool,
    found_by_gx: list[dict[int, np.ndarray]] | None,
) -> tuple[pd.DataFrame, list[SuiteRef]]:
    """The findings of the suites of each period on a record set, and the suites run.
    ``found_by_gx``: GX's failing rows of its parts (``suite_parts``' order), found by the
    engine's process, taken from the front of the list as they are used; None: GX runs here."""
    pieces, used = [], []
    for part in suite_parts([record_set]):
        pieces.append(
            validate(
                part.frame,
                part.suite,
                reference=reference,
                source=record_set.provenance.name,
                column_labels=record_set.column_labels,
                parameters=parameters,
                unreadable=part.unreadable,
                engine=engine,
                two_cores=two_cores,
                found_by_gx=found_by_gx.pop(0) if found_by_gx is not None else None,
            )
        )
        used.append(
            SuiteRef(
                name=part.suite.name,
                version=part.suite.version,
                expectations=len(part.suite.expectations),
            )
        )
    return concat_findings(pieces), used


def run(config: RunConfig, progress: Progress | None = None) -> RunResult:
    """Validate every source of the configuration and return the findings."""
    return read_and_validate(config, progress, keep_records=False)[0]


def read_and_validate(
    config: RunConfig, progress: Progress | None = None, *, keep_records: bool = True
) -> tuple[RunResult, list[RecordSet]]:
    """Like ``run``, also returning the canonical record sets (for the edition diff).
    ``keep_records`` False: their long free texts may be left as hashes once the record rules
    have run (``checks.frames.hash_long_texts``)."""
    with ExitStack() as run_long:  # what lasts until the findings are collected
        return _read_and_validate(config, progress, keep_records, run_long)


def _read_and_validate(
    config: RunConfig, progress: Progress | None, keep_records: bool, run_long: ExitStack
) -> tuple[RunResult, list[RecordSet]]:
    say = progress or (lambda _message: None)
    reference = load_reference()
    record_sets: list[RecordSet] = []
    findings: list[Held] = []  # on a table checked a shard at a time, put aside meanwhile
    suites: dict[str, SuiteRef] = {}
    cper_paths = [
        path for path in config.sources if isinstance(path, Path) and is_cper_source(path)
    ]
    lists = [path for path in config.sources if path not in cper_paths]
    read_in_parts = [source for source in lists if isinstance(source, SqlSource | SparkFile)]
    files = [path for path in lists if isinstance(path, Path)]
    engine = Engine(config.engine, config.spark_master)

    def read_lists() -> list[RecordSet]:
        read = []
        for path in files:
            say(f"reading {path.name}")
            read.append(
                read_source(
                    path,
                    reference,
                    sheet=config.sheet,
                    mapping=config.mapping,
                    limits=config.limits,
                    period=config.period.value if config.period else None,
                )
            )
            release_freed_memory()
        return read

    with_checks = bool(CHECKS) and config.checks
    with ExitStack() as stack:
        engine_ahead: Standby[list[GxJob], list[dict[int, np.ndarray]]] | None = None
        if engine_goes_ahead(config.jobs, files, read_in_parts, engine):
            say("starting the rule engine in a second process")
            engine_ahead = stack.enter_context(Standby(start_pandas_engine))
        read = read_lists()
        validated: dict[int, PartsRun] = {}
        for source in read_in_parts:
            say(f"reading and validating {source.name} a part at a time")
            with part_reader(source, config.mapping, config.spark_master) as reader:
                database_run = validate_in_parts(
                    reader,
                    reference,
                    limits=config.limits,
                    period=config.period.value if config.period else None,
                    parameters=config.parameters,
                    engine=engine,
                    progress=say,
                    for_checks=with_checks,
                )
            validated[id(database_run.record_set)] = database_run
            read.append(database_run.record_set)
            del database_run  # held by ``validated`` only, until its findings are collected
        kept, replaced = newest_editions(read)
        findings.append(older_edition_findings(replaced))
        record_sets.extend(kept)

        turns: TakingTurns | None = None
        on_disk = any(rs.stored is not None for rs in record_sets)

        def aggregate_checks(
            ids: Sequence[str] | None = None, aside: Path | None = None
        ) -> Iterator[pd.DataFrame]:
            data = CheckData({rs.provenance.name: covered_records(rs) for rs in record_sets})
            if on_disk:  # a table's columns on disk: the checks a shard at a time
                return checks_in_shards(
                    data,
                    reference,
                    config.parameters,
                    config.limits.rows_in_memory,
                    ids=ids,
                    after_each=release_freed_memory,
                    aside=aside,
                )
            return each_check(
                data,
                reference,
                config.parameters,
                after_each=release_freed_memory,
                ids=ids,
                turn=turns.turn if turns is not None else lambda _rule: nullcontext(),
            )

        parent = os.getpid()

        def run_checks_beside(ids: Sequence[str], folder: Path) -> list[pd.DataFrame | Path]:
            """In the second process: the long texts as hashes (the record rules run in the
            other), then the checks, each one's findings put aside in ``folder`` as it ends.
            Here (the second process failed): the checks, as in a serial run."""
            if os.getpid() == parent:
                return list(aggregate_checks(ids))
            for record_set in record_sets:
                hash_long_texts(record_set.frame)
            release_freed_memory()
            return [put_aside(found, folder) for found in aggregate_checks(ids)]

        records = sum(len(rs.frame) for rs in record_sets)
        large = records > PARENT_SHARE_MAX_RECORDS
        here = parent_share(records, engine_apart=engine_ahead is not None)
        beside_ids = child_order([rule for rule in CHECKS if rule not in here])
        here_ids = here_order([rule for rule in CHECKS if rule in here])
        # a forked child would inherit the threads of a Spark session started to read a file
        jobs = 1 if any(isinstance(s, SparkFile) for s in read_in_parts) else config.jobs
        # a table whose columns are on disk is checked a shard at a time, in bounded memory:
        # a second process would hold its own shards (unless --jobs asks for one)
        checks_apart = (
            with_checks and runs_in_parallel(jobs, records) and not (on_disk and jobs is None)
        )
        to_validate = [rs for rs in record_sets if id(rs) not in validated]
        # the second core validates half the rows when no checks run there
        two_cores = not checks_apart and runs_in_parallel(jobs, records)
        if engine_ahead is not None:  # before the checks' child is forked (see Standby)
            engine_ahead.submit(
                failing_rows_of_jobs,
                [
                    gx_job(part.frame, part.suite, config.parameters, two_cores=two_cores)
                    for part in suite_parts(to_validate)
                ],
            )
        checks_beside: Background[list[pd.DataFrame | Path]] | None = None
        if checks_apart:
            say("running aggregate checks in a second process")
            if large:  # the checks that build the most take turns (memory)
                turns = TakingTurns(CHECKS_BUILDING_MOST)
            aside = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fundcheck-")))
            checks_beside = stack.enter_context(
                Background(lambda: run_checks_beside(beside_ids, aside))
            )
            if turns is not None:
                turns.child_alive = checks_beside.alive
        by_rule: dict[str, pd.DataFrame] = {}  # the checks' findings, by rule
        checks_run = False
        if with_checks and engine_ahead is not None and not large:
            say("running aggregate checks")  # while the other process finds the failing rows
            ids = list(CHECKS) if checks_beside is None else here_ids
            by_rule.update(zip(ids, aggregate_checks(ids), strict=True))
            checks_run = True
        found_by_gx: list[dict[int, np.ndarray]] = []
        if engine_ahead is not None:
            say("validating the records in the second process")
            found_by_gx = engine_ahead.result(
                lambda: failing_rows_of_jobs(
                    [
                        gx_job(part.frame, part.suite, config.parameters)
                        for part in suite_parts(to_validate)
                    ]
                )
            )
        for record_set in record_sets:
            findings.append(record_set.findings)
            in_parts = validated.pop(id(record_set), None)  # its findings held once: here
            if in_parts is not None:  # validated while it was read
                findings.append(in_parts.findings)
                suites.update((suite.name, suite) for suite in in_parts.suites)
                del in_parts
                continue
            say(f"validating {record_set.provenance.name} ({len(record_set.frame):,} records)")
            found, used = suite_findings(
                record_set,
                reference,
                config.parameters,
                engine,
                two_cores=two_cores,
                found_by_gx=found_by_gx if engine_ahead is not None else None,
            )
            release_freed_memory(collect=True)
            findings.append(found)
            suites.update((suite.name, suite) for suite in used)
        if checks_beside is not None and not keep_records and not checks_run:
            for record_set in record_sets:  # as the second process holds them: half the memory
                hash_long_texts(record_set.frame)
            release_freed_memory()
        if with_checks:
            if checks_beside is None and not checks_run:
                say("running aggregate checks")
                if on_disk:  # the findings so far on disk while the checks build their tables
                    folder = Path(
                        run_long.enter_context(tempfile.TemporaryDirectory(prefix="fundcheck-"))
                    )
                    findings = [put_aside(found, folder) for found in in_memory(findings)]
                    release_freed_memory()
                    findings.extend(aggregate_checks(aside=folder))
                else:
                    findings.extend(aggregate_checks())
            else:
                if not checks_run:
                    say("running aggregate checks")
                    by_rule.update(zip(here_ids, aggregate_checks(here_ids), strict=True))
                if checks_beside is not None:
                    for rule, beside in zip(beside_ids, checks_beside.result(), strict=True):
                        by_rule[rule] = taken_back(beside) if isinstance(beside, Path) else beside
                findings.extend(by_rule[rule] for rule in CHECKS)  # the serial run's order
    cper: CperDataset | None = None
    if cper_paths:
        say("running the CPER rules")
        operations = {rs.provenance.name: rs for rs in record_sets}
        cper, found = validate_cper(cper_paths, reference, config.parameters, operations)
        findings.append(found)
    say("collecting the findings")
    records_by_region: dict[str, int] = {}
    if cper is not None:
        records_by_region.update(cper_records_by_region(cper))
    for record_set in record_sets:
        for region, count in region_counts(columns_of(record_set, (REGION,))):
            records_by_region[region] = records_by_region.get(region, 0) + count
    region_names = {code: region.name for code, region in reference.regions.items()}
    programmes_by_region = count_programmes(record_sets)
    all_findings = with_region_basis(concat_findings(in_memory(findings)), record_sets)
    findings.clear()  # the pieces, now in all_findings
    in_one_chunk(all_findings)  # the reports take their rows in reading order
    result = RunResult(
        fundcheck_version=__version__,
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        sources=[rs.provenance for rs in record_sets] + (cper.provenance if cper else []),
        suites=list(suites.values()),
        rules=all_rules(),
        records=sum(len(rs.frame) for rs in record_sets) + (cper.records() if cper else 0),
        findings=all_findings,
        region_names=region_names,
        records_by_region=records_by_region,
        programmes_by_region=programmes_by_region,
        programme_names=programme_names(reference, programmes_by_region, all_findings),
        cper_pace=execution_pace(cper, config.parameters) if cper else {},
    )
    return result, record_sets


CHECKS_AFTER_THE_RECORD_RULES = frozenset({"eu.risk.concentration_indicators"})
"""With the checks in a second process, those this process runs once its record rules are done,
so that both processes end about together: at 200,000 generated rows the child's checks took
4.9 s beside the record rules' 3.4 s, and the concentration indicators take 0.6 s of them (the
beneficiary name keys they read are derived again here)."""

PARENT_SHARE_MAX_RECORDS = 500_000
"""Above this many records, this process takes the related-operations checks instead
(``RELATED_OPERATIONS_CHECKS``)."""

RELATED_OPERATIONS_CHECKS = frozenset(
    {"eu.duplicates.split_operation", "eu.duplicates.double_funding"}
)
"""This process's share above ``PARENT_SHARE_MAX_RECORDS``: the two checks of related operations
(they share their groups), the longest of the run. At a million generated rows the record rules
ended 10.8 s before the child's checks (14.5 s of checks, 6.0 s of them these two); with these
two here, the run takes 26.1 s instead of 29.5 s (bench/compare.py, with the turns and the
findings put aside)."""

CHECKS_BESIDE_THE_ENGINE = frozenset(
    {
        "eu.beneficiary.identity",
        "eu.beneficiary.several_regions",
        "eu.risk.concentration_indicators",
        "eu.cofinancing.ceiling_aggregate",
        "eu.cofinancing.ceiling_operation",
        "eu21.concentration.erdf_policy_objectives",
        "eu.progress.overprogramming",
        "eu.progress.decommitment_risk",
        "eu.outliers.eligible_cost",
        "eu.outliers.zero_amount",
        "eu.outliers.long_duration",
    }
)
"""This process's share up to ``PARENT_SHARE_MAX_RECORDS`` records when the rule engine runs
in a process of its own: the beneficiary checks (they share their name keys) and the ceilings
(they share theirs), while the other process runs the rest."""

CHECKS_BUILDING_MOST = frozenset(
    {
        "eu.duplicates.split_operation",
        "eu.cofinancing.ceiling_aggregate",
        "eu.dates.completed_before_selection",
        "eu.risk.concentration_indicators",
    }
)
"""The checks that build the most beside the record sets: 560 to 760 MB each at a million
real-copy rows, 20 to 390 MB for the others (resident peak during the check, bench/run.py's
data). With two processes, two of them never run at the same time (``TakingTurns``): run side by
side they took the run's peak from 2.39 GB to 2.77 GB, past the 2.5 GB it must stay under. Up
to ``PARENT_SHARE_MAX_RECORDS`` records they run at will, as waiting costs more than the memory
(TODO measure)."""


def parent_share(records: int, *, engine_apart: bool = False) -> frozenset[str]:
    """The checks this process runs itself when the others run in a second process; with the
    rule engine in a process of its own (``engine_apart``), up to ``PARENT_SHARE_MAX_RECORDS``
    records, about half of them, while that process finds the failing rows."""
    if records > PARENT_SHARE_MAX_RECORDS:
        return RELATED_OPERATIONS_CHECKS
    return CHECKS_BESIDE_THE_ENGINE if engine_apart else CHECKS_AFTER_THE_RECORD_RULES


def here_order(rules: list[str]) -> list[str]:
    """The order this process runs its share in: those that build the most last (the other
    process runs them first; above ``PARENT_SHARE_MAX_RECORDS`` the two never run them at
    once), the others in registry order."""
    return sorted(rules, key=lambda rule: rule in CHECKS_BUILDING_MOST)


def child_order(rules: list[str]) -> list[str]:
    """The order the second process runs its checks in: those that build the most first, so
    that they are done before this process's share begins, then the others in registry order."""
    return sorted(rules, key=lambda rule: rule not in CHECKS_BUILDING_MOST)


ENGINE_AHEAD_ONCE: list[bool] = []
"""Set once a run of this process has started the rule engine in a second process."""


def engine_goes_ahead(
    jobs: int | None, files: Sequence[Path], parts: Sequence[object], engine: Engine
) -> bool:
    """Whether the rule engine starts in a second process while the lists are read, and finds
    the failing rows there (``parallel.Standby``).

    Starting GX takes about 1.3 s, whatever the size of the lists; read first and started
    after, it adds that to every run. Started beside the reading, it costs the time to send
    the columns the suite reads (about 0.01 s at 200,000 rows, pickled as categories) and to
    receive the failing rows' positions. Not when ``jobs`` is 1, fork is not available or
    there is one core (unless ``jobs`` asks for two), on GX's Spark engine, for tables read in
    parts (they are validated as they are read), when the engine already runs here, or when a
    run of this process has done it before: a process that validates many times (the edition
    diff, the tests, a library caller) then starts GX in itself, where it stays started."""
    if not files or parts or engine.name != "pandas" or engine_started() or ENGINE_AHEAD_ONCE:
        return False
    if jobs == 1 or not can_fork():
        return False
    if jobs is None and usable_cores() < 2:
        return False
    ENGINE_AHEAD_ONCE.append(True)
    return True


def failing_rows_of_jobs(jobs: list[GxJob]) -> list[dict[int, np.ndarray]]:
    """GX's failing rows of each job, in order (run where GX has started)."""
    return [gx_failing_rows(job) for job in jobs]


EDITION_OVERLAP = 0.5
"""Share of the operation ids of the smaller list the larger must hold for two dated files of one
format to be two editions of one list."""


def newest_editions(
    record_sets: list[RecordSet],
) -> tuple[list[RecordSet], list[tuple[RecordSet, RecordSet]]]:
    """The record sets to validate, and the (older edition, newer edition) pairs left out.

    Two sources are editions of one list when both are dated (YYYYMMDD in the name, or an update
    date), read with the same format, and share at least half of the smaller one's operation
    ids. Editions replace each other ("annule et remplace"): validating them together would
    report every operation twice (identical rows, reused ids) and the older one as stale.
    """
    dated = [(edition_date(rs), rs) for rs in record_sets]
    replaced: dict[int, RecordSet] = {}
    for i, (day_a, a) in enumerate(dated):
        for day_b, b in dated[i + 1 :]:
            if day_a is None or day_b is None or day_a == day_b:
                continue
            if a.provenance.profile != b.provenance.profile or not _same_list(a, b):
                continue
            older, newer = (a, b) if day_a < day_b else (b, a)
            replaced[id(older)] = newer
    kept = [rs for rs in record_sets if id(rs) not in replaced]
    pairs = [(rs, replaced[id(rs)]) for rs in record_sets if id(rs) in replaced]
    return kept, pairs


def _same_list(a: RecordSet, b: RecordSet) -> bool:
    if not has_column(a, "operation_id") or not has_column(b, "operation_id"):
        return False
    ids_a = set(column(a, "operation_id").dropna().astype(str))
    ids_b = set(column(b, "operation_id").dropna().astype(str))
    smaller = min(len(ids_a), len(ids_b))
    return smaller > 0 and len(ids_a & ids_b) >= EDITION_OVERLAP * smaller


def older_edition_findings(pairs: list[tuple[RecordSet, RecordSet]]) -> pd.DataFrame:
    """One information finding per older edition left out, pointing to ``fundcheck diff``."""
    rule = reader_rule(OLDER_EDITION_RULE)
    rows = []
    for older, newer in pairs:
        values = {"older": older.provenance.name, "newer": newer.provenance.name}
        rows.append(
            finding(
                rule,
                "dataset",
                source=older.provenance.name,
                value=older.provenance.name,
                expected=newer.provenance.name,
                count=len(older.frame),
                message_fr=render_message(rule.message_fr, **values),
                message_en=render_message(rule.message_en, **values),
            )
        )
    return findings_frame(rows)


def covered_records(record_set: RecordSet) -> RecordSet:
    """The records of a set whose period fundcheck has rules for (what aggregate checks see)."""
    covered = column(record_set, PERIOD).isin(COVERED_PERIODS).fillna(False).astype(bool)
    if covered.all():
        return record_set
    return replace(record_set, frame=record_set.frame[covered.to_numpy()])


def with_region_basis(findings: pd.DataFrame, record_sets: Iterable[RecordSet]) -> pd.DataFrame:
    """Fill ``region_basis``: a record finding takes its record's; a programme finding with a
    region takes ``programme``; a programme finding without one is a national programme's."""
    if findings.empty:
        return findings
    basis = np.full(len(findings), None, dtype=object)
    sources = findings["source"]
    rows = findings["row"]
    for record_set in record_sets:
        if not has_column(record_set, REGION_BASIS):
            continue
        named = (sources == record_set.provenance.name).fillna(False).to_numpy(dtype=bool)
        named = named & rows.notna().to_numpy(dtype=bool)
        if not named.any():
            continue
        at = _positions_of_rows(column(record_set, ROW), rows[named].to_numpy(dtype=np.int64))
        known = at >= 0
        labels = record_set.frame.index[at[known]]  # only those rows' bases are read back
        bases = columns_of(record_set, (REGION_BASIS,), labels)[REGION_BASIS]
        found = np.full(len(at), None, dtype=object)
        found[known] = bases.astype(object).to_numpy()
        basis[named] = found
        del bases, labels
    by_programme = pd.Series(basis, index=findings.index, dtype=object)
    programme = findings["scope"].eq("programme") & by_programme.isna()
    by_programme[programme & findings["region"].notna()] = "programme"
    by_programme[programme & findings["region"].isna()] = "national_programme"
    out = findings.copy(deep=False)  # its other columns shared (copy on write), not copied
    out["region_basis"] = by_programme.astype(TEXT)
    return out


def _positions_of_rows(numbers: pd.Series, rows: np.ndarray) -> np.ndarray:
    """The position in a record set of the record of each row number in ``rows`` (``numbers``:
    each record's; -1 for a row the set lacks; the first record of a number repeated). Row
    numbers in increasing order, as a table read in parts numbers them, are looked up by
    bisection: no table of millions of row numbers is built."""
    values = numbers.to_numpy(dtype=np.int64)
    if len(values) and bool(np.all(values[1:] > values[:-1])):
        at = np.searchsorted(values, rows).clip(0, len(values) - 1)
        return np.where(values[at] == rows, at, -1)
    first = pd.Series(np.arange(len(values)), index=values)
    first = first[~first.index.duplicated()]
    return first.reindex(rows).fillna(-1).to_numpy(dtype=np.int64)


def programme_names(
    reference: Reference, by_region: dict[str, dict[str, int]], findings: pd.DataFrame
) -> dict[str, ProgrammeName]:
    """Title and period of every programme of the records and findings (reports name them
    without reading the reference themselves)."""
    ccis = {cci for counts in by_region.values() for cci in counts}
    ccis |= {str(cci) for cci in findings["programme"].dropna().unique()}
    out = {}
    for cci in sorted(ccis):
        programme = reference.programmes.get(cci)
        if programme is not None:
            out[cci] = ProgrammeName(programme.title, programme.period.value)
        else:
            out[cci] = ProgrammeName(None, reference.period_of_cci(cci))
    return out


def _categorical(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.CategoricalDtype)


def _text(value: Any) -> str | None:
    """A cell as text, None when missing (None, NA or NaN)."""
    return None if value is None or value is pd.NA or value != value else str(value)


def region_counts(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """Records per region bucket (a region, or the national bucket), most first. Regions held
    as categories (a table validated in parts) are counted by their codes, not as text."""
    if _categorical(frame[REGION]):
        counts = frame[REGION].value_counts(dropna=False)
        return [(_text(region) or NATIONAL_BUCKET, int(n)) for region, n in counts.items() if n > 0]
    counts = frame[REGION].fillna(NATIONAL_BUCKET).value_counts()
    return [(str(region), int(n)) for region, n in counts.items()]


def _programme_counts(frame: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(region bucket, programme CCI, records) for the records with a CCI."""
    if _categorical(frame[REGION]) or _categorical(frame["programme_cci"]):
        sizes = frame.groupby([REGION, "programme_cci"], observed=True, dropna=False).size()
        out = []
        for key, n in sizes.items():
            region, cci = cast(tuple[Any, Any], key)
            if n and _text(cci) is not None:
                out.append((_text(region) or NATIONAL_BUCKET, str(cci), int(n)))
        return out
    pairs = pd.DataFrame(
        {"region": frame[REGION].fillna(NATIONAL_BUCKET), "cci": frame["programme_cci"]}
    ).dropna()
    counts = pairs.value_counts().reset_index(name="n")
    return [
        (str(region), str(cci), int(n))
        for region, cci, n in zip(counts["region"], counts["cci"], counts["n"], strict=True)
    ]


def count_programmes(record_sets: Iterable[RecordSet]) -> dict[str, dict[str, int]]:
    """Records per region bucket and programme CCI."""
    out: dict[str, dict[str, int]] = {}
    for record_set in record_sets:
        if not has_column(record_set, "programme_cci"):
            continue
        frame = columns_of(record_set, (REGION, "programme_cci"))
        for region, cci, n in _programme_counts(frame):
            per_region = out.setdefault(str(region), {})
            per_region[str(cci)] = per_region.get(str(cci), 0) + n
    return out
