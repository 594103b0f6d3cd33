"""The operations table the aggregate checks share: every source's canonical frame, stacked.

Columns a source lacks are added empty, so each check can read any canonical field; ``_source``
names the record set a row came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fundcheck.columns import spread_text
from fundcheck.memory import release_freed_memory
from fundcheck.model import FIELDS, PERIOD, REGION, ROW, FieldType, RecordKind, RecordSet
from fundcheck.reference import Reference
from fundcheck.stored_columns import column, has_column

SOURCE = "_source"
TECHNICAL_ASSISTANCE_FIELDS = frozenset({"179", "180", "181", "182"})
"""Annex I (CPR 2021/1060) intervention fields of technical assistance (excluded from the
denominators of thematic concentration and climate shares)."""

T = TypeVar("T")

_PO_FROM_SO = re.compile(r"^[RJ]SO(\d)\.")
_PO_DIGIT = re.compile(r"^\s*(?:PO|OS)?\s*(\d)\b", re.IGNORECASE)


class CheckData(dict[str, RecordSet]):
    """The record sets the checks of one run read (by source name), and what the checks derive
    from them, computed once for all of them (see ``shared``).

    A derivation is kept while a check still to run declares it reads it (``reads`` on the
    check class, by derivation name: ``keep_only``); one a later check reads after all is
    derived again, so a missing declaration costs time, never a wrong finding."""

    def __init__(self, record_sets: Mapping[str, RecordSet]) -> None:
        super().__init__(record_sets)
        self.derived: dict[Hashable, Any] = {}
        self.names_read: set[str] = set()
        """Names of the derivations read since this set was last cleared (tests compare
        them with the checks' declared ``reads``)."""
        self.computed: list[Hashable] = []
        """Every derivation computed, in order (once each, unless dropped too early)."""
        self.rows_per_shard: int | None = None
        """Rows a check that reads its rows a shard at a time reads at once (None: all of
        them; ``checks.shards``)."""

    def keep_only(self, names: Iterable[str]) -> None:
        """Drop every derivation whose name is not in ``names`` (no check still to run reads
        it), so that its memory is free for the next checks."""
        kept = set(names)
        self.derived = {k: v for k, v in self.derived.items() if derivation_name(k) in kept}
        for record_set in self.values():  # the columns read back from disk for the check
            if record_set.stored is not None:
                record_set.stored.forget()


def derivation_name(key: Hashable) -> str:
    """The name of a derivation: its key, or the key's first part ("text" for ``("text",
    "fund")``)."""
    return str(key[0] if isinstance(key, tuple) else key)


def shared(data: Mapping[str, RecordSet], key: Hashable, compute: Callable[[], T]) -> T:
    """What ``compute`` derives from the record sets, computed once per run for ``key`` and
    handed to every check that asks (each check's own mapping, as in tests, computes it)."""
    if not isinstance(data, CheckData):
        return compute()
    cache = data.derived
    data.names_read.add(derivation_name(key))
    if key not in cache:
        cache[key] = compute()
        data.computed.append(key)
        release_freed_memory()  # what the derivation built and dropped, before the next step
    value: T = cache[key]
    if isinstance(value, pd.DataFrame | pd.Series):
        # a check may add columns to what it receives: it gets its own (copy-on-write) object
        copied: T = value.copy(deep=False)  # type: ignore[assignment]
        return copied
    return value


def per_distinct(values: pd.Series, derive: Callable[[Any], Any]) -> pd.Series:
    """``derive`` applied once per distinct non-missing value (missing stays missing), spread
    back to every row as objects: lists repeat beneficiaries, codes and postcodes many times
    (text results: ``fundcheck.columns.text_per_distinct``)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    derived = np.empty(len(uniques) + 1, dtype=object)
    derived[:-1] = [derive(value) for value in uniques]
    derived[-1] = None
    return pd.Series(derived[codes], index=values.index, dtype=object)


def operations(data: Mapping[str, RecordSet], columns: Iterable[str] = ()) -> pd.DataFrame:
    """All operation records of a run, with ``_source``, ``_row``, ``_region``, ``_period`` and the
    requested canonical ``columns`` (empty where a source lacks one; read back from disk where
    a large source holds them there); index 0..n-1."""
    wanted = list(dict.fromkeys(columns))
    parts = []
    for name, record_set in data.items():
        if record_set.kind is not RecordKind.OPERATIONS or record_set.frame.empty:
            continue
        frame = record_set.frame
        part = pd.DataFrame(index=frame.index)
        part[SOURCE] = name
        for name in (ROW, REGION, PERIOD, *wanted):
            part[name] = (
                column(record_set, name)
                if has_column(record_set, name)
                else _empty(name, len(frame))
            )
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=[SOURCE, ROW, REGION, PERIOD, *wanted])
    if len(parts) == 1:  # one list: its columns shared (copy on write), not copied
        return parts[0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)


def source_rows(
    data: Mapping[str, RecordSet], positions: np.ndarray
) -> tuple[pd.Categorical[Any], np.ndarray]:
    """The ``_source`` (as categories: one code a row) and ``_row`` of the operations at
    ``positions`` (in ``operations``' order), reading no other column."""
    names: list[str] = []
    numbers: list[np.ndarray] = []
    for name, record_set in data.items():
        if record_set.kind is not RecordKind.OPERATIONS or record_set.frame.empty:
            continue
        names.append(name)
        numbers.append(column(record_set, ROW).to_numpy(dtype=np.int64))
    if not names:
        return pd.Categorical([]), np.zeros(0, dtype=np.int64)
    bounds = np.cumsum([len(part) for part in numbers])
    which = np.searchsorted(bounds, positions, side="right")
    rows = np.concatenate(numbers)[positions] if len(numbers) > 1 else numbers[0][positions]
    return pd.Categorical.from_codes(which, dtype=pd.CategoricalDtype(names)), rows


def _empty(column: str, length: int) -> pd.Series:
    spec = FIELDS.get(column)
    if spec and spec.type in (FieldType.AMOUNT, FieldType.RATE):
        return pd.Series(np.nan, index=range(length), dtype=float)
    if spec and spec.type is FieldType.DATE:
        return pd.Series(pd.NaT, index=range(length), dtype="datetime64[ns]")
    return pd.Series(pd.NA, index=range(length), dtype="string")


def text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped strings (NA where empty)."""
    values = frame[column].astype("string").str.strip()
    return values.mask(values == "")


def policy_objectives(frame: pd.DataFrame) -> pd.Series:
    """Policy objective number of each operation ("1".."5", "8" for JTF): from the specific
    objective code (RSO2.1 → 2, JSO8.1 → 8, ESO4.x → 4), else from the policy objective cell
    (each derived once per distinct cell: a list repeats a few dozen codes)."""

    def from_objective(cells: pd.Series) -> pd.Series:
        codes = text(cells.to_frame("so"), "so")
        return codes.str.extract(_PO_FROM_SO, expand=False).mask(codes.str.startswith("ESO"), "4")

    def from_cell(cells: pd.Series) -> pd.Series:
        return text(cells.to_frame("po"), "po").str.extract(_PO_DIGIT, expand=False)

    from_so = on_distinct(frame["specific_objective"], from_objective)
    return from_so.fillna(on_distinct(frame["policy_objective"], from_cell)).astype("string")


def on_distinct(values: pd.Series, derive: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``derive`` (a text column from a column, cell by cell) run on the distinct cells of
    ``values`` only (the missing cell included), spread back to every row as ``string``."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    derived = derive(pd.Series(uniques, dtype=values.dtype))
    return pd.Series(spread_text(derived, codes, "string"), index=values.index, name=values.name)


def intervention_codes(frame: pd.DataFrame) -> pd.Series:
    """The intervention field codes of each operation, as tuples ("044|045" → ("044", "045");
    None where empty)."""
    return per_distinct(
        text(frame, "intervention_field"), lambda v: tuple(p for p in v.split("|") if p)
    )


def technical_assistance(frame: pd.DataFrame) -> pd.Series:
    """Operations whose intervention fields are all technical assistance (Annex I 179-182)."""
    flags = per_distinct(
        text(frame, "intervention_field"),
        lambda v: (
            bool(codes := [p for p in v.split("|") if p])
            and set(codes) <= TECHNICAL_ASSISTANCE_FIELDS
        ),
    )
    return flags.fillna(False).astype(bool)


def amounts(frame: pd.DataFrame, column: str) -> pd.Series:
    """An amount column as floats (NaN where missing or unreadable)."""
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def allocation(reference: Reference, cci: str, fund: str) -> float | None:
    """The EU allocation of a programme for a fund (Partnership Agreement), None if unknown."""
    programme = reference.programmes.get(cci)
    amount = programme.eu_allocation.get(fund) if programme else None
    return float(amount) if amount else None


def national_coverage(reference: Reference, period: str, fund: str, ccis: Iterable[str]) -> float:
    """Share of the national EU allocation of a fund held by the programmes ``ccis`` (0 when the
    reference has no allocation for the fund)."""
    total = sum(
        float(p.eu_allocation.get(fund, 0))
        for p in reference.programmes.values()
        if p.period.value == period
    )
    held = sum(allocation(reference, cci, fund) or 0.0 for cci in set(ccis))
    return held / total if total else 0.0


LONG_TEXTS = ("operation_summary", "location_text")
"""Long free texts: the aggregate checks only compare them whole (identical rows), so a run may
hold a hash of each instead of the text (``hash_long_texts``)."""


def hash_long_texts(frame: pd.DataFrame) -> None:
    """Replace, in place, each long free text of ``frame`` by a 64-bit hash of the text (missing
    stays missing): all the checks compare of them, in 8 bytes a row (at a million real-copy
    rows, 270 MB of text)."""
    for name in LONG_TEXTS:
        if name in frame.columns and not pd.api.types.is_integer_dtype(frame[name].dtype):
            frame[name] = text_hashes(frame[name])


def text_hashes(values: pd.Series) -> pd.Series:
    """pandas' hash of each text (``hash_array``), each distinct text hashed once; NA where
    missing."""
    hashed, present = text_hash_arrays(values)
    return pd.Series(pd.arrays.IntegerArray(hashed, ~present), index=values.index)


def text_hash_arrays(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``text_hashes`` as two arrays: the 64-bit hashes (0 where missing), and whether each
    text is present."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    hashed = pd.util.hash_array(np.asarray(uniques, dtype=object), categorize=False)
    spread = np.append(hashed, np.uint64(0))[codes]  # code -1 (missing) reads the 0 appended
    return spread, codes >= 0


def plain(values: pd.Series) -> pd.Series:
    """Text for matching: lower case, no accents, letters and digits separated by single spaces
    (NA where nothing is left). Each distinct text is folded once, in Arrow.

    The steps: every run of characters that are not letters, digits nor "_" becomes a space;
    compatibility decomposition (NFKD: "é" → "e" and an accent, "ﬁ" → "fi"); what is not ASCII is
    dropped (the accents); lower case; every run of other than a-z and 0-9 becomes a space; no
    space at either end. Letters and digits are Unicode's (RE2's tables, which know characters
    newer than Python's, whose ``\\w`` would see a space there)."""
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    texts = pa.array(pd.Series(uniques, dtype="string"), type=pa.large_string())
    texts = pc.replace_substring_regex(texts, r"[^\p{L}\p{N}_]+", " ")
    texts = pc.utf8_normalize(texts, form="NFKD")
    texts = pc.replace_substring_regex(texts, r"[^\x00-\x7f]+", "")
    texts = pc.ascii_lower(texts)
    texts = pc.replace_substring_regex(texts, r"[^a-z0-9]+", " ")
    texts = pc.ascii_trim_whitespace(texts)
    folded = pd.Series(pd.array(texts, dtype="string"))
    folded = folded.mask(folded == "")
    return pd.Series(spread_text(folded, codes, "string"), index=values.index)
