"""Split operations and double funding: groups of operations of one beneficiary with
near-identical titles and overlapping dates, in one or several programmes.

Related operations are found by ``checks.related`` (same beneficiary: name without case, accents
nor punctuation, SIREN when there is no name; title similarity ≥ ``split_title_similarity``;
overlapping dates; same or unknown département; titles naming the same thing), or share an
operation number. Identical rows are left to ``eu.duplicates.identical_row``; the same number twice
in one programme of one source, to the record rule ``eu21.art49.unique_operation_id``.

Each link between two related operations is of one kind:

* *double funding*: the two are in different funds or programmes and their EU amounts together
  exceed the eligible cost (the larger of the two, plus ``double_funding_tolerance``): the same
  expenditure funded twice (CPR 2021/1060 Art 63(9), unverified: a warning);
* *split*: otherwise, when their operation numbers differ: one operation possibly split in several
  (to stay under a threshold, or counted twice): a warning.

The operations these links connect form a group, and each group is one finding
(``eu.duplicates.double_funding`` when one of its links is double funding, the more serious finding,
with the amounts of its largest such link; else ``eu.duplicates.split_operation``), on its last
row (as a pair's finding was on its later row), naming all its rows: "5 operations (rows 12, 40,
41, 77, 90)". The links are those ``checks.related`` draws (enough to connect each group, not every
related pair): double funding is sought on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import Field

from fundcheck.checks import derived
from fundcheck.checks.base import Parameters, register, settings
from fundcheck.checks.findings import eur, groups_rows, records, render
from fundcheck.checks.frames import (
    SOURCE,
    CheckData,
    amounts,
    operations,
    shared,
    source_rows,
    text,
    text_hash_arrays,
)
from fundcheck.checks.related import components, near_duplicate_links
from fundcheck.checks.shards import count_operations, restricted, shard_of_rows
from fundcheck.findings import RECORD_COLUMNS, findings_frame, render_message
from fundcheck.memory import release_freed_memory
from fundcheck.model import ROW, RecordSet, Rule, Severity
from fundcheck.reference import Reference

COLUMNS = (
    "operation_id", "programme_cci", "fund", "operation_name", "beneficiary_name",
    "operation_department", "operation_postcode",
    "beneficiary_siren", "start_date", "end_date", "total_eligible_cost", "eu_amount",
)  # fmt: skip


class SplitParameters(Parameters):
    """When operations look like one operation split, or funded twice."""

    split_title_similarity: float = Field(
        90,
        ge=0,
        le=100,
        description="Title similarity (0-100, token set ratio) from which two "
        "operations of one beneficiary are related",
    )
    double_funding_tolerance: float = Field(
        0.005,
        ge=0,
        lt=1,
        description="Share of the eligible cost the EU amounts together may "
        "exceed it by (rounding)",
    )


def related_groups(
    data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
) -> pd.DataFrame:
    """The operations in a group of related operations: ``position`` (in ``operations``),
    ``group`` (a label of its group) and ``kind`` ("double_funding" or "split"), in order of
    group then position, with the ``_source`` (categories) and ``_row`` of each; the columns a
    finding reads of each group's last row are ``attrs["lasts"]`` (indexed by position), the
    amounts of each double-funding group's largest such link ``attrs["double"]`` (indexed by
    group: ``worst_double_funding``). Derived once per run for the two checks of
    this module."""
    params = settings(SplitOperation, parameters)
    key = ("related_groups", tuple(sorted(params.items())))
    return shared(data, key, lambda: _groups(data, reference, params))


def _groups(
    data: Mapping[str, RecordSet], reference: Reference, params: Mapping[str, Any]
) -> pd.DataFrame:
    """The related groups (``related_groups``): the links within each beneficiary drawn a
    shard of beneficiaries at a time (``CheckData.rows_per_shard``), then the links of a
    repeated operation number and the groups drawn over every row, from a few numbers a row."""
    count = count_operations(data)
    size = data.rows_per_shard if isinstance(data, CheckData) else None
    if size is None or count <= size:  # one shard: every row at once
        shards = [np.arange(count)]
    else:  # every row of a beneficiary in one shard (its near-duplicates are there)
        size = min(size, ROWS_PER_SHARD)
        shard = shard_of_rows(data, reference, ("beneficiary",), size, forget=False)
        order = np.argsort(shard, kind="stable")
        shards = np.split(order, np.flatnonzero(np.diff(shard[order])) + 1)
        del shard, order
    whole = len(shards) == 1
    rows = _RowFacts(count)
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []
    while shards:
        positions = shards.pop(0)
        part = data if whole else restricted(data, positions)
        a, b = rows.add(part, positions, reference, params)
        first.append(positions[a])
        second.append(positions[b])
        del part, positions, a, b
        release_freed_memory()
    near_first, near_second = np.concatenate(first), np.concatenate(second)
    del first, second
    rank = rows.rank()
    same_first, same_second = rows.same_number_links(rank)
    del rank
    first_all = np.r_[near_first, same_first]
    second_all = np.r_[near_second, same_second]
    del near_first, near_second, same_first, same_second
    copies = rows.copies()
    kept = ~copies[first_all] & ~copies[second_all]
    del copies
    first_all, second_all = first_all[kept], second_all[kept]
    del kept
    kind = rows.kinds(first_all, second_all, params["double_funding_tolerance"])
    linked = kind != NOT_LINKED
    first_all, second_all, kind = first_all[linked], second_all[linked], kind[linked]
    del linked
    double_first, double_second = first_all[kind == DOUBLE], second_all[kind == DOUBLE]
    double_amounts = rows.link_amounts(double_first, double_second)
    del rows, kind  # the facts of every row: only the double-funding links' amounts are read
    release_freed_memory()
    member = np.zeros(count, dtype=bool)
    member[first_all] = True
    member[second_all] = True
    members = np.flatnonzero(member)
    del member
    label = components(count, first_all, second_all)
    del first_all, second_all
    double = worst_double_funding(double_amounts, label[double_first])
    group = label[members]
    del label, double_first, double_second, double_amounts
    release_freed_memory()
    order = np.lexsort((members, group))  # by group, then position
    position, group = members[order], group[order]
    del members, order
    codes = np.isin(group, double.index.to_numpy()).astype(np.int8)  # 1: a double-funding link
    sources, numbers = source_rows(data, position)
    found = pd.DataFrame(
        {
            "position": position,
            "group": group,
            "kind": pd.Categorical.from_codes(codes, dtype=KINDS),
            SOURCE: sources,
            ROW: numbers,
        },
        copy=False,
    )
    del codes, sources, numbers
    # what the findings read of each group's last row (its finding's row)
    ends = np.r_[group[1:] != group[:-1], True] if len(group) else np.zeros(0, dtype=bool)
    lasts = np.sort(position[ends])
    last_ops = operations(restricted(data, lasts), FINDING_COLUMNS[1:])[list(FINDING_COLUMNS)]
    found.attrs["lasts"] = last_ops.set_axis(pd.Index(lasts))
    found.attrs["double"] = double
    return found


NOT_LINKED, SPLIT, DOUBLE = 0, 1, 2
"""The kinds of a link between two related rows (``_RowFacts.kinds``)."""

LINKS_AT_ONCE = 1_000_000
"""Links whose kind is decided at once (``_RowFacts.kinds``)."""

KINDS = pd.CategoricalDtype(["split", "double_funding"])
"""The kinds of a group (the findings' rules), one byte a row."""

ROWS_PER_SHARD = 250_000
"""Rows of a shard of beneficiaries whose near-duplicates are drawn at once (at most: a
beneficiary's rows are never cut): drawing them holds a shard's columns and their texts folded,
about 2 kB a row."""


class _RowFacts:
    """What the groups need of every row once its shard's links are drawn: the hashes of its
    contents (its rank), of the fields identical rows share, of its operation number, of its
    programme and fund; its EU amount and eligible cost."""

    def __init__(self, count: int) -> None:
        self.content = np.zeros(count, dtype=np.uint64)
        self.same_fields = np.zeros(count, dtype=np.uint64)
        self.filled = np.zeros(count, dtype=bool)
        self.number = np.zeros(count, dtype=np.uint64)
        self.numbered = np.zeros(count, dtype=bool)
        self.place = np.zeros(count, dtype=np.uint64)
        self.eu = np.zeros(count, dtype=np.float64)
        self.eligible = np.zeros(count, dtype=np.float64)

    def add(
        self,
        data: Mapping[str, RecordSet],
        positions: np.ndarray,
        reference: Reference,
        params: Mapping[str, Any],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Note the facts of the rows at ``positions`` (``data``: those rows) and draw the
        near-duplicate links among them (positions in ``data``)."""
        ops = operations(data, COLUMNS)
        keys = derived.folded(data, "beneficiary_name")
        unnamed = keys.isna().to_numpy(dtype=bool)
        if unnamed.any():  # a beneficiary without a name is known by its SIREN
            siren = text(ops.loc[unnamed], "beneficiary_siren").str.replace(r"\D", "", regex=True)
            keys = keys.copy()
            keys[unnamed] = ("siren " + siren.str[:9]).to_numpy()
        titles = derived.folded(data, "operation_name")
        # every value of the operation the check reads (not the name of its source): rows
        # alike in all of them are interchangeable
        hashes = content_hashes([*(ops[name] for name in COLUMNS), keys, titles])
        self.content[positions] = hashes
        fields = derived.common_fields(data)
        hashed, filled = derived.same_field_hashes(operations(data, fields), fields)
        self.same_fields[positions], self.filled[positions] = hashed, filled
        numbers = derived.text(data, "operation_id")
        self.number[positions], self.numbered[positions] = text_hash_arrays(numbers)
        programme = text(ops, "programme_cci").fillna("?")
        place = programme + "\x1f" + text(ops, "fund").fillna("?")
        self.place[positions] = text_hash_arrays(place)[0]
        self.eu[positions] = amounts(ops, "eu_amount").fillna(0).to_numpy()
        self.eligible[positions] = amounts(ops, "total_eligible_cost").to_numpy()
        places = derived.departements(data, reference)
        return near_duplicate_links(
            keys,
            titles,
            ops["start_date"],
            ops["end_date"],
            places,
            params["split_title_similarity"],
            _rank_of(hashes),
        )

    def rank(self) -> np.ndarray:
        """Each row's place in the order of its contents' hashes (``content_rank``)."""
        return _rank_of(self.content)

    def copies(self) -> np.ndarray:
        """The rows identical to an earlier one (``derived.identical_rows``): in the stable
        order of their hashes, each row after the first of its hash."""
        order = np.argsort(self.same_fields, kind="stable")
        hashes = self.same_fields[order]
        later = np.zeros(len(order), dtype=bool)
        later[order[1:]] = hashes[1:] == hashes[:-1]
        copied: np.ndarray = later & self.filled
        return copied

    def same_number_links(self, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row with an operation number to the row of lowest rank with that number."""
        rows = np.flatnonzero(self.numbered)
        numbers = pd.Series(self.number[rows])
        repeated = numbers.duplicated(keep=False).to_numpy()
        rows, numbers = rows[repeated], numbers[repeated]
        ranks = pd.Series(rank[rows], index=rows)
        first = ranks.groupby(numbers.to_numpy(), sort=False).transform("idxmin")
        later = first[first != first.index]
        return later.to_numpy(dtype=np.int64), later.index.to_numpy(dtype=np.int64)

    def kinds(self, a: np.ndarray, b: np.ndarray, tolerance: float) -> np.ndarray:
        """The kind of each link: ``DOUBLE`` (funding), ``SPLIT``, or ``NOT_LINKED`` (same
        number, same fund and programme: the record rules' matter)."""
        kind = np.empty(len(a), dtype=np.int8)
        for start in range(0, len(a), LINKS_AT_ONCE):  # a few arrays of a million links at most
            x, y = a[start : start + LINKS_AT_ONCE], b[start : start + LINKS_AT_ONCE]
            ceiling = np.fmax(self.eligible[x], self.eligible[y]) * (1 + tolerance)
            combined = np.round(self.eu[x] + self.eu[y], 2)
            double = (self.place[x] != self.place[y]) & (combined > np.round(ceiling, 2))
            different_id = (self.number[x] != self.number[y]) | ~self.numbered[x]
            kind[start : start + LINKS_AT_ONCE] = np.where(
                double, DOUBLE, np.where(different_id, SPLIT, NOT_LINKED)
            )
        return kind

    def link_amounts(self, a: np.ndarray, b: np.ndarray) -> pd.DataFrame:
        """Of each link, the combined EU amount of its two rows (``eu``) and the larger of
        their eligible costs (``eligible``)."""
        return pd.DataFrame(
            {"eu": self.eu[a] + self.eu[b], "eligible": np.fmax(self.eligible[a], self.eligible[b])}
        )


def worst_double_funding(amounts: pd.DataFrame, group: np.ndarray) -> pd.DataFrame:
    """Per group with a double-funding link (``group``: each link's; ``amounts``: its
    ``link_amounts``), the amounts of the link with the largest combined EU amount."""
    links = amounts.assign(group=group)
    worst = links.sort_values("eu", ascending=False, kind="stable").drop_duplicates("group")
    return worst.set_index("group")[["eu", "eligible"]]


def content_hashes(columns: list[pd.Series]) -> np.ndarray:
    """A hash of each row's values in ``columns`` (pandas' hash: fixed from run to run)."""
    values = pd.DataFrame({i: column.reset_index(drop=True) for i, column in enumerate(columns)})
    hashed: np.ndarray = pd.util.hash_pandas_object(values, index=False).to_numpy()
    return hashed


def _rank_of(hashes: np.ndarray) -> np.ndarray:
    order = np.argsort(hashes, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


FINDING_COLUMNS = (SOURCE, *RECORD_COLUMNS, "operation_name")
"""The columns of the operations table a finding of the two checks reads (of the row it is on)."""


def _findings(rule: Rule, groups: pd.DataFrame, kind: str) -> pd.DataFrame:
    chosen = (groups["kind"] == kind).to_numpy(dtype=bool)
    if not chosen.any():
        return findings_frame()
    position = groups["position"].to_numpy()[chosen]
    group = groups["group"].to_numpy()[chosen]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], len(group)]
    sources = groups[SOURCE].array[chosen]
    rows = groups[ROW].to_numpy(dtype=np.int64)[chosen]
    del chosen
    double: pd.DataFrame = groups.attrs["double"]
    if kind == "double_funding":
        worst = double.loc[group[starts]]
        eu, eligible = worst["eu"].to_numpy(), worst["eligible"].to_numpy()
    else:  # not read
        eu = eligible = np.full(len(starts), np.nan)
    last_ops: pd.DataFrame = groups.attrs["lasts"]
    lasts = last_ops.iloc[np.searchsorted(last_ops.index.to_numpy(), position[ends - 1])]
    listed = groups_rows(sources, rows, starts, ends)
    counts = (ends - starts).tolist()
    if kind == "double_funding":  # the amounts are in its message only
        messages = [
            render(
                rule,
                {
                    "count": count,
                    "rows": rows_text,
                    "eu": eur(float(money)),
                    "eligible": eur(float(cost)) if pd.notna(cost) else "—",
                },
            )
            for count, rows_text, money, cost in zip(counts, listed, eu, eligible, strict=True)
        ]
    else:
        messages = [
            (
                render_message(rule.message_fr, count=count, rows=fr),
                render_message(rule.message_en, count=count, rows=en),
            )
            for count, (fr, en) in zip(counts, listed, strict=True)
        ]
    found = records(
        rule,
        lasts,
        field="eu_amount" if kind == "double_funding" else "operation_name",
        values=list(eu) if kind == "double_funding" else list(text(lasts, "operation_name")),
        expected=list(eligible) if kind == "double_funding" else None,
        messages=messages,
    )
    found["count"] = pd.array(ends - starts, dtype="Int64")
    return found


@register
class SplitOperation:
    """Near-identical operations of one beneficiary with overlapping dates (warning)."""

    reads: ClassVar[frozenset[str]] = frozenset(
        {"departements", "folded", "identical_rows", "related_groups", "text"}
    )

    links: ClassVar[tuple[str, ...] | None] = None  # a shard of beneficiaries at a time

    rule: ClassVar[Rule] = Rule(
        id="eu.duplicates.split_operation",
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="duplicates",
        status="U",
        title_fr="Opération possiblement scindée (même bénéficiaire, intitulé quasi identique)",
        title_en="Possibly split operation (same beneficiary, near-identical title)",
        message_fr=(
            "{count} opérations du même bénéficiaire aux intitulés quasi identiques et aux dates "
            "qui se chevauchent ({rows}) : une opération possiblement scindée."
        ),
        message_en=(
            "{count} operations of the same beneficiary with near-identical titles and "
            "overlapping dates ({rows}): possibly one operation split."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 63(9); Art 49(3) (one code per operation)",
    )
    parameters: ClassVar[type[Parameters]] = SplitParameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        return _findings(self.rule, related_groups(data, reference, parameters), "split")


@register
class DoubleFunding:
    """The same operation in two funds or programmes, EU amounts above its eligible cost."""

    reads: ClassVar[frozenset[str]] = frozenset(
        {"departements", "folded", "identical_rows", "related_groups", "text"}
    )

    links: ClassVar[tuple[str, ...] | None] = None  # a shard of beneficiaries at a time

    rule: ClassVar[Rule] = Rule(
        id="eu.duplicates.double_funding",
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="duplicates",
        status="U",
        title_fr="Double financement : montants UE cumulés au-delà du coût éligible",
        title_en="Double funding: combined EU amounts above the eligible cost",
        message_fr=(
            "{count} opérations liées ({rows}), dont la même opération dans deux fonds ou "
            "programmes : montants UE cumulés {eu} au-delà du coût éligible de {eligible}."
        ),
        message_en=(
            "{count} related operations ({rows}), including the same operation in two funds or "
            "programmes: combined EU amounts {eu} above the eligible cost of {eligible}."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 63(9)",
    )
    parameters: ClassVar[type[Parameters]] = SplitParameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        groups = related_groups(data, reference, parameters)
        return _findings(self.rule, groups, "double_funding")
