"""The aggregate checks of a large run, a shard of rows at a time.

A check compares rows that are related: rows of one beneficiary, with one operation number,
identical rows, operations of one kind of objective. Each check declares the relations its
findings depend on (``links``: names of ``LINKS``). Rows that no chain of those relations
joins never meet in one of its groups, so the check may run on any partition of the rows that
keeps each connected set of rows together: its findings are the union of its findings on each
part. A check whose findings depend on every row (the date of a list's edition, its latest
update) declares ``links = None`` and reads every row at once; a row-by-row check declares
``()``. A check that sums over a programme or a fund gathers a few values of each row shard by
shard, then judges them all at once (``checks.base.GatheringCheck``, ``checks.gathered``): its
shards are those of the row-by-row checks, and no shard holds a whole fund.

A run whose record sets hold their columns on disk (``stored_columns``: past
``limits.rows_in_memory`` rows) runs each check so (``checks_in_shards``): the connected sets of
its relations are packed into shards of about that many rows, and the check runs on one shard
after the other, so that the client holds the columns of one shard and what the check builds of
them. A rule's findings then come shard by shard, in the order of their rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.aside import Held, in_memory, put_aside
from fundcheck.checks import derived
from fundcheck.checks.base import CHECKS, Check, GatheringCheck, each_check
from fundcheck.checks.frames import CheckData, operations, text, text_hash_arrays
from fundcheck.checks.gathered import Compact, compact, stack
from fundcheck.checks.related import components
from fundcheck.findings import findings_frame, taken_in_order
from fundcheck.memory import release_freed_memory
from fundcheck.model import RecordKind, RecordSet
from fundcheck.reference import Reference

LinkKeys = Callable[[Mapping[str, RecordSet], Reference], list[pd.Series]]
"""The values relating rows, for every operation of a run (``operations`` order): two rows
with the same non-missing value in one of the series are related."""

LINKS: dict[str, LinkKeys] = {}


def link(name: str) -> Callable[[LinkKeys], LinkKeys]:
    """Register the values of a relation under ``name`` (what a check's ``links`` names)."""

    def add(keys: LinkKeys) -> LinkKeys:
        LINKS[name] = keys
        return keys

    return add


@link("operation_id")
def _operation_id(data: Mapping[str, RecordSet], reference: Reference) -> list[pd.Series]:
    """One operation number."""
    return [derived.text(data, "operation_id")]


@link("beneficiary")
def _beneficiary(data: Mapping[str, RecordSet], reference: Reference) -> list[pd.Series]:
    """One beneficiary in any of the forms checks compare them in: its name's words, its folded
    name, its SIREN (or the SIREN of its SIRET)."""
    ops = operations(data, ["beneficiary_siren", "beneficiary_siret"])
    siren = text(ops, "beneficiary_siren")
    digits = siren.str.replace(r"\D", "", regex=True).str[:9]
    return [
        derived.name_keys(data),
        derived.folded(data, "beneficiary_name"),
        siren.fillna(text(ops, "beneficiary_siret").str[:9]),
        digits.mask(digits == ""),
    ]


@link("identical")
def _identical(data: Mapping[str, RecordSet], reference: Reference) -> list[pd.Series]:
    """Identical rows (``derived.identical_rows``: the same values in every field all the
    sources have, enough of them filled)."""
    fields = derived.common_fields(data)
    hashes, filled = derived.same_field_hashes(operations(data, fields), fields)
    return [pd.Series(pd.arrays.IntegerArray(hashes, ~filled))]  # unfilled: no value


@dataclass(frozen=True)
class Unit:
    """What runs on one shard: a check, or one piece of it (``pieces``), and its relations."""

    rule: str
    piece: str | None
    links: tuple[str, ...] | None


ROWS_BY_ROW = 100_000
"""Rows of a shard of the row-by-row checks and gatherings (at most): their rows follow each
other, so a shard reads its columns back from one or two parts, and smaller shards cost little
but hold less."""

GATHER = "gather"
"""The piece of a ``GatheringCheck`` that runs on the shards: its gathering (row by row)."""


def units(ids: Sequence[str]) -> list[Unit]:
    """The units of the checks ``ids``: a check's pieces when it has them, its gathering for a
    check that gathers, else the check."""
    out = []
    for rule in ids:
        check = CHECKS[rule]
        pieces: Mapping[str, tuple[str, ...]] = getattr(check, "pieces", {})
        if issubclass(check, GatheringCheck):  # its gathering, and any piece of its own
            out.append(Unit(rule, GATHER, ()))
            out += [Unit(rule, piece, links) for piece, links in pieces.items()]
        elif pieces:
            out += [Unit(rule, piece, links) for piece, links in pieces.items()]
        else:
            out.append(Unit(rule, None, check.links))
    return out


def _run(unit: Unit, data: CheckData, reference: Reference, parameters: Mapping[str, Any]) -> Any:
    check: Check = CHECKS[unit.rule]()
    if unit.piece is None:
        return check.run(data, reference, parameters)
    if unit.piece == GATHER:
        assert isinstance(check, GatheringCheck)
        return compact(check.gathered(data, reference, parameters))
    return check.run_piece(unit.piece, data, reference, parameters)  # type: ignore[attr-defined]


def shard_of_rows(
    data: Mapping[str, RecordSet],
    reference: Reference,
    links: tuple[str, ...],
    rows_per_shard: int,
    *,
    forget: bool = True,
) -> np.ndarray:
    """The shard of each operation (``operations`` order): the connected sets of rows of the
    relations ``links``, packed in row order into shards of about ``rows_per_shard`` rows (a
    larger set is a shard of its own). The values relating rows are derived ``ROWS_BY_ROW``
    rows at a time (each row's from its own cells) and held as 64-bit hashes. ``forget``: drop
    what the relations derived (a run's ``CheckData`` keeps it otherwise)."""
    count = count_operations(data)
    keys = _link_keys(data, reference, links, rows_per_shard, forget=forget)
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []
    for hashes, present in keys:
        a, b = _to_first(hashes, present)
        first.append(a)
        second.append(b)
    del keys
    label = components(
        count,
        np.concatenate(first) if first else np.empty(0, dtype=np.int64),
        np.concatenate(second) if second else np.empty(0, dtype=np.int64),
    )
    del first, second
    sizes = np.bincount(label, minlength=count)
    roots = np.flatnonzero(sizes)
    start = np.cumsum(sizes[roots]) - sizes[roots]  # rows before each set, in row order
    shard = np.zeros(count, dtype=np.int64)
    shard[roots] = start // rows_per_shard
    numbered: np.ndarray = np.unique(shard[label], return_inverse=True)[1]
    return numbered


def _link_keys(
    data: Mapping[str, RecordSet],
    reference: Reference,
    links: tuple[str, ...],
    rows_per_shard: int,
    *,
    forget: bool,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each series of values of the relations ``links`` over every row, as (64-bit hashes,
    whether the row has a value), derived ``ROWS_BY_ROW`` rows at a time (at most)."""
    count = count_operations(data)
    out: list[tuple[np.ndarray, np.ndarray]] = []
    step = min(rows_per_shard, ROWS_BY_ROW)
    for start in range(0, max(count, 1), step):
        rows = np.arange(start, min(start + step, count))
        part = data if len(rows) == count else restricted(data, rows)
        found = [values for name in links for values in LINKS[name](part, reference)]
        if not out:
            out = [(np.zeros(count, dtype=np.uint64), np.zeros(count, dtype=bool)) for _ in found]
        for (hashes, present), values in zip(out, found, strict=True):
            hashes[rows], present[rows] = text_hash_arrays(values)
        del part, found
        if forget and isinstance(data, CheckData):
            data.derived.clear()
        release_freed_memory()
    return out


def count_operations(data: Mapping[str, RecordSet]) -> int:
    """The operations of a run (``operations`` reads none of their columns for this)."""
    return sum(
        len(record_set.frame)
        for record_set in data.values()
        if record_set.kind is RecordKind.OPERATIONS
    )


def _to_first(hashes: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row with a value to the first row with that value: (first rows, rows)."""
    rows = np.flatnonzero(present)
    codes = pd.factorize(hashes[rows])[0]
    firsts = np.full(int(codes.max(initial=-1)) + 1, len(hashes), dtype=np.int64)
    np.minimum.at(firsts, codes, rows)
    head = firsts[codes]
    later = head != rows
    return head[later], rows[later]


def restricted(data: Mapping[str, RecordSet], rows: np.ndarray) -> CheckData:
    """The run's record sets at the operations ``rows`` (``operations`` positions, in order);
    columns on disk are read back for those rows only."""
    out: dict[str, RecordSet] = {}
    offset = 0
    for name, record_set in data.items():
        if record_set.kind is not RecordKind.OPERATIONS or record_set.frame.empty:
            out[name] = record_set
            continue
        size = len(record_set.frame)
        local = rows[(rows >= offset) & (rows < offset + size)] - offset
        offset += size
        stored = record_set.stored.view() if record_set.stored is not None else None
        out[name] = replace(record_set, frame=record_set.frame.iloc[local], stored=stored)
    return CheckData(out)  # its rows_per_shard unset: a check reads all of its rows at once


def checks_in_shards(
    data: CheckData,
    reference: Reference,
    parameters: Mapping[str, Any],
    rows_per_shard: int,
    ids: Collection[str] | None = None,
    after_each: Callable[[], None] = lambda: None,
    aside: Path | None = None,
) -> Iterator[pd.DataFrame]:
    """The findings table of each check ``ids`` (all, in registry order), each check run a
    shard at a time (the module doc): the checks of one set of relations share the shards and
    what each shard derives. A check that gathers (``GatheringCheck``) gathers its rows shard
    by shard with the row-by-row checks, then judges them all at once. The tables come in the
    order of ``ids``, once all have run; ``aside``: a folder where the findings of each set of
    relations wait, once its shards have run (``fundcheck.aside``)."""
    chosen = list(CHECKS) if ids is None else list(ids)
    data.rows_per_shard = rows_per_shard
    if count_operations(data) <= rows_per_shard:  # one shard: the run on every row
        yield from each_check(data, reference, parameters, after_each, ids=chosen)
        return
    found: dict[str, list[Held]] = {rule: [] for rule in chosen}
    gathered: dict[str, list[Compact]] = {rule: [] for rule in chosen}
    families: dict[tuple[str, ...] | None, list[Unit]] = {}
    for unit in units(chosen):
        families.setdefault(unit.links, []).append(unit)
    for links, members in families.items():
        if links is None:
            _run_units(members, data, reference, parameters, (found, gathered), after_each)
            continue
        size = min(rows_per_shard, ROWS_BY_ROW) if links == () else rows_per_shard
        shard = shard_of_rows(data, reference, links, size)
        for number in range(int(shard.max(initial=-1)) + 1):
            part = restricted(data, np.flatnonzero(shard == number))
            _run_units(members, part, reference, parameters, (found, gathered), after_each)
            del part
            release_freed_memory(collect=True)
        del shard
        for unit in members:
            if unit.piece == GATHER:  # each rule's gathered rows judged, then let go
                lines = gathered.pop(unit.rule)
                found[unit.rule].insert(0, _judge(unit.rule, lines, reference, parameters))
                del lines
                release_freed_memory(collect=True)
        if aside is not None:
            _put_aside(found, {unit.rule for unit in members}, aside)
    for rule in chosen:
        yield _in_row_order(list(in_memory(found.pop(rule))))


def _put_aside(found: dict[str, list[Held]], rules: Collection[str], folder: Path) -> None:
    """The findings of ``rules`` held in memory, put aside in ``folder``: each run of tables
    between those already put aside as one file, in row order (their place among the rule's
    findings kept, so that the rule's findings come in the same order)."""
    for rule in rules:
        pieces: list[Held] = []
        run: list[pd.DataFrame] = []
        for piece in [*found.pop(rule), None]:
            if isinstance(piece, pd.DataFrame):
                run.append(piece)
                continue
            if run:
                pieces.append(put_aside(_in_row_order(run), folder))
                run = []
            if piece is not None:
                pieces.append(piece)
        found[rule] = pieces
    release_freed_memory()


def _judge(
    rule: str, gathered: list[Compact], reference: Reference, parameters: Mapping[str, Any]
) -> pd.DataFrame:
    check = CHECKS[rule]()
    assert isinstance(check, GatheringCheck)
    return check.judge(check.lines(stack(gathered)), reference, parameters)


def _run_units(
    members: list[Unit],
    data: CheckData,
    reference: Reference,
    parameters: Mapping[str, Any],
    into: tuple[dict[str, list[Held]], dict[str, list[Compact]]],
    after_each: Callable[[], None],
) -> None:
    """Run each unit on ``data``: findings tables into the first mapping, what the gatherings
    gathered into the second (by rule)."""
    found, gathered = into
    for position, unit in enumerate(members):
        result = _run(unit, data, reference, parameters)
        (gathered if unit.piece == GATHER else found)[unit.rule].append(result)
        del result
        later = members[position + 1 :]
        data.keep_only(name for other in later for name in CHECKS[other.rule].reads)
        after_each()


def _in_row_order(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """A rule's findings from its shards as one table, its rows' findings in row order (stable:
    a row's findings, and findings without a row, keep the order they came in)."""
    pieces = [piece for piece in pieces if not piece.empty] or pieces[:1]
    if not pieces:
        return findings_frame()
    if len(pieces) == 1:
        return pieces[0]
    table = pd.concat(pieces, ignore_index=True)
    del pieces
    keys = table[["source", "row"]]
    order = keys.sort_values(["source", "row"], kind="stable", na_position="last").index
    del keys
    return taken_in_order(table, order.to_numpy())
