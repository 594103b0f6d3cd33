"""Split operations and double funding: the same beneficiary, near-identical titles, overlapping
dates, in one or several programmes.

Two operations are *near-duplicates* when they have the same beneficiary (name without case,
accents nor punctuation; SIREN when there is no name), titles whose similarity (rapidfuzz
``fuzz.ratio`` on the same folded text, 0-100) is at least ``split_title_similarity`` (90),
overlapping dates (start of each ≤ end of the other) and the same département (or an unknown one).
Titles that name different things are not near-duplicates: different years ("appel 2023" /
"appel 2024": two editions), or a word of one with no close word in the other ("projet BIOMAT" /
"projet OCEANIA"); numbers and short words may differ ("tranche 1" / "tranche 2"). Rows are
compared only within a beneficiary (blocking), so 100,000 rows take about two seconds.
Identical rows are left to ``eu.duplicates.identical_row``.

* ``eu.duplicates.double_funding``: near-duplicates (or rows with the same operation number) in
  different funds or programmes whose EU amounts together exceed the operation's eligible cost
  (the larger of the two, plus ``double_funding_tolerance``): the same expenditure funded twice
  (CPR 2021/1060 Art 63(9), unverified: a warning).
* ``eu.duplicates.split_operation``: other near-duplicates with different operation numbers: one
  operation possibly split into several (to stay under a threshold, or counted twice): a warning.

Each finding is on the later row of a pair and names its earliest partner.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import Field
from rapidfuzz import fuzz, process

from fundcheck.checks import derived
from fundcheck.checks.base import Parameters, register, settings
from fundcheck.checks.findings import eur, records, render
from fundcheck.checks.frames import SOURCE, amounts, operations, plain, text
from fundcheck.findings import findings_frame
from fundcheck.model import ROW, RecordSet, Rule, Severity
from fundcheck.reference import Reference

COLUMNS = (
    "operation_id", "programme_cci", "fund", "operation_name", "beneficiary_name",
    "operation_department", "operation_postcode",
    "beneficiary_siren", "start_date", "end_date", "total_eligible_cost", "eu_amount",
)  # fmt: skip
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_LAST: list[tuple[Any, dict[str, RecordSet], pd.DataFrame]] = []


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


def departements(ops: pd.DataFrame, reference: Reference) -> np.ndarray:
    """The département of each operation ("" when unknown): its cell, else its postcode's."""
    by_postcode = text(ops, "operation_postcode").map(reference.postcode_departement)
    found = text(ops, "operation_department").fillna(by_postcode)
    return found.fillna("").to_numpy(dtype=object)


def near_duplicates(ops: pd.DataFrame, similarity: float, places: np.ndarray) -> pd.DataFrame:
    """Pairs (``first``, ``second``: positions in ``ops``, first < second) of near-duplicates;
    ``places`` (départements, "" when unknown) must not differ."""
    names = plain(text(ops, "beneficiary_name"))
    siren = text(ops, "beneficiary_siren").str.replace(r"\D", "", regex=True).str[:9]
    key = names.fillna("siren " + siren).to_numpy(dtype=object)
    folded = plain(text(ops, "operation_name")).fillna("")
    titles = folded.str.slice(0, MAX_TITLE).to_numpy(dtype=object)  # a 5 MB title compares fast
    years = _years(folded)
    start = pd.to_datetime(ops["start_date"], errors="coerce").to_numpy()
    end = pd.to_datetime(ops["end_date"], errors="coerce").to_numpy()
    codes, _ = pd.factorize(pd.Series(key), use_na_sentinel=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    pairs: list[np.ndarray] = []
    another = cache(_names_another)  # titles repeat: each pair of texts is judged once
    for block in np.split(order, bounds):
        if len(block) < 2 or codes[block[0]] < 0:
            continue
        for part in _sub_blocks(np.sort(block), places):
            for first, second in _similar_pairs(titles, part, similarity):
                overlap = (start[first] <= end[second]) & (start[second] <= end[first])
                editions = years[first] != years[second]
                elsewhere = (
                    (places[first] != places[second])
                    & (places[first] != "")
                    & (places[second] != "")
                )
                keep = overlap & (titles[first] != "") & ~editions & ~elsewhere
                first, second = first[keep], second[keep]
                same = [
                    not another(titles[i], titles[j]) for i, j in zip(first, second, strict=True)
                ]
                pairs.append(np.column_stack([first[same], second[same]]))
    found = np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)
    return pd.DataFrame(found, columns=["first", "second"], dtype=np.int64)


SUB_BLOCK = 500
"""A beneficiary with more operations than this is compared département by département."""
CELLS = 4_000_000
"""Similarity scores computed at once (distinct titles × distinct titles, chunk by chunk)."""
MAX_PARTNERS = 5
"""Earlier partners kept per row: a finding names the earliest one and counts at most this many,
so a beneficiary with thousands of identical titles stays linear, not quadratic."""
MAX_TITLE = 500
"""Characters of a title compared (beyond, two titles are told apart by their beginning)."""


def _sub_blocks(block: np.ndarray, places: np.ndarray) -> list[np.ndarray]:
    """Rows of one beneficiary to compare together: the whole block when small, else one group
    per known département, each with the rows whose département is unknown (pairs in two
    different known départements are never near-duplicates)."""
    if len(block) <= SUB_BLOCK:
        return [block]
    where = places[block]
    unknown = block[where == ""]
    known = sorted({str(p) for p in where if p != ""})
    groups = [np.sort(np.concatenate([block[where == p], unknown])) for p in known]
    return groups or [block]


SMALL_BLOCK = 300
"""A block this small is compared row by row (at most SMALL_BLOCK² scores): less overhead."""


def _small_block_pairs(
    titles: np.ndarray, block: np.ndarray, similarity: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    scores = process.cdist(
        titles[block], titles[block], scorer=fuzz.ratio, score_cutoff=similarity, dtype=np.uint8
    )
    similar = scores > 0 if similarity > 0 else np.ones_like(scores, dtype=bool)
    second, first = np.nonzero(np.tril(similar, k=-1))  # first < second: below the diagonal
    if not len(second):
        return []
    starts = np.flatnonzero(np.r_[True, second[1:] != second[:-1]])
    rank = np.arange(len(second)) - np.repeat(starts, np.diff(np.r_[starts, len(second)]))
    keep = rank < MAX_PARTNERS  # nonzero is row-major: each row's partners come earliest first
    return [(block[first[keep]], block[second[keep]])]


def _similar_titles(uniques: np.ndarray, similarity: float) -> np.ndarray:
    """For each distinct title, the (at most MAX_PARTNERS) first distinct titles similar to it,
    itself included (-1 pads); titles are in order of first appearance."""
    count = len(uniques)
    partners = np.full((count, MAX_PARTNERS), -1, dtype=np.int64)
    step = max(1, CELLS // max(count, 1))
    for begin in range(0, count, step):
        end = min(count, begin + step)
        scores = process.cdist(
            uniques[begin:end], uniques, scorer=fuzz.ratio, score_cutoff=similarity,
            dtype=np.uint8,
        )  # fmt: skip
        similar = scores > 0 if similarity > 0 else np.ones_like(scores, dtype=bool)
        del scores
        lines = np.arange(end - begin)
        similar[lines, lines + begin] = True  # a title is its own partner, whatever the scorer
        for slot in range(MAX_PARTNERS):
            column = similar.argmax(axis=1)
            found = similar[lines, column]
            partners[begin + lines[found], slot] = column[found]
            similar[lines, column] = False
    return partners


def _similar_pairs(
    titles: np.ndarray, block: np.ndarray, similarity: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(first, second) positions with similar titles, first < second; each row keeps its
    MAX_PARTNERS earliest partners. Distinct titles are compared, not rows, so a row is never
    compared with itself and memory stays proportional to the rows, whatever the titles."""
    count = len(block)
    if count <= SMALL_BLOCK:
        return _small_block_pairs(titles, block, similarity)
    codes, uniques = pd.factorize(pd.Series(titles[block], dtype=object))
    partners = _similar_titles(np.asarray(uniques, dtype=object), similarity)
    # the first MAX_PARTNERS rows (local positions) of each distinct title; ``count`` pads
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])
    rank = np.arange(count) - np.repeat(starts, np.diff(np.r_[starts, count]))
    first_rows = np.full((len(uniques) + 1, MAX_PARTNERS), count, dtype=np.int64)
    keep = rank < MAX_PARTNERS
    first_rows[codes[order][keep], rank[keep]] = order[keep]
    candidates = first_rows[partners[codes]].reshape(count, -1)  # -1 picks the padding row
    local = np.arange(count)
    candidates[candidates >= local[:, None]] = count  # earlier rows only
    candidates = np.sort(candidates, axis=1)[:, :MAX_PARTNERS]
    second, slot = np.nonzero(candidates < count)
    if not len(second):
        return []
    return [(block[candidates[second, slot]], block[second])]


def _names_another(a: str, b: str) -> bool:
    """Whether two similar titles name different things: a word of one (longer than 3 letters,
    not a number) has no close word (ratio ≥ 80) in the other. "Programme BIOMAT sur les
    matériaux" and "Programme OCEANIA sur les matériaux" are two projects; "Travaux tranche 1"
    and "Travaux tranche 2", or a typo, are not."""
    words_a, words_b = a.split(), b.split()
    only_a = [w for w in words_a if w not in words_b and len(w) > 3 and not w.isdigit()]
    only_b = [w for w in words_b if w not in words_a and len(w) > 3 and not w.isdigit()]
    return any(
        not any(fuzz.ratio(word, other) >= 80 for other in others)
        for words, others in ((only_a, only_b), (only_b, only_a))
        for word in words
    )


def _years(titles: pd.Series) -> np.ndarray:
    """The years (19xx, 20xx) each title names, as text: "appel 2023" and "appel 2024" are two
    editions of a recurring action, not one operation split in two."""
    found = {t: " ".join(_YEAR.findall(t)) for t in titles.unique()}
    return titles.map(found).to_numpy(dtype=object)


def classified_pairs(
    data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
) -> pd.DataFrame:
    """Near-duplicate pairs (and same-number pairs) with ``kind`` "double_funding" or "split",
    over the operations table (returned as ``pairs.attrs["ops"]``). The last result is kept for
    the same record sets and parameters: the two checks of this module share it in a run."""
    params = settings(SplitOperation, parameters)
    key = (tuple((n, id(r.frame), len(r.frame)) for n, r in data.items()), sorted(params.items()))
    if _LAST and _LAST[0][0] == key:
        return _LAST[0][2]
    pairs = _classify(data, reference, params)
    _LAST[:] = [(key, dict(data), pairs)]  # holding the record sets keeps their ids unique
    return pairs


def _classify(
    data: Mapping[str, RecordSet], reference: Reference, params: Mapping[str, Any]
) -> pd.DataFrame:
    fields = derived.common_fields(data)
    ops = operations(data, list(dict.fromkeys([*COLUMNS, *fields])))
    places = derived.departements(data, reference)
    pairs = near_duplicates(ops, params["split_title_similarity"], places)
    ids = text(ops, "operation_id")
    same_id = _same_id_pairs(ids)
    pairs = pd.concat([pairs, same_id], ignore_index=True).drop_duplicates()
    duplicates = derived.identical_rows(data)
    unique: np.ndarray = duplicates.to_numpy()[pairs["second"].to_numpy()] < 0
    pairs = pairs.loc[unique]
    place = (
        text(ops, "programme_cci").fillna("?") + "|" + text(ops, "fund").fillna("?")
    ).to_numpy()
    eu = amounts(ops, "eu_amount").fillna(0).to_numpy()
    eligible = amounts(ops, "total_eligible_cost").to_numpy()
    a, b = pairs["first"].to_numpy(), pairs["second"].to_numpy()
    ceiling = np.fmax(eligible[a], eligible[b]) * (1 + params["double_funding_tolerance"])
    double = (place[a] != place[b]) & (np.round(eu[a] + eu[b], 2) > np.round(ceiling, 2))
    id_values = ids.fillna("").to_numpy(dtype=object)
    different_id = (id_values[a] != id_values[b]) | (id_values[a] == "")
    pairs = pairs.assign(
        kind=np.where(double, "double_funding", np.where(different_id, "split", "")),
        eu=eu[a] + eu[b],
        eligible=np.fmax(eligible[a], eligible[b]),
    )
    pairs = pairs.loc[pairs["kind"] != ""]
    pairs.attrs["ops"] = ops
    return pairs


def _same_id_pairs(ids: pd.Series) -> pd.DataFrame:
    known = ids.dropna()
    repeated = known[known.duplicated(keep=False)]
    first = pd.Series(repeated.index, index=repeated.index).groupby(repeated).transform("min")
    later = first[first != first.index]
    return pd.DataFrame(
        {"first": later.to_numpy(), "second": later.index.to_numpy()}, dtype=np.int64
    )


def _findings(rule: Rule, pairs: pd.DataFrame, kind: str) -> pd.DataFrame:
    ops: pd.DataFrame = pairs.attrs["ops"]
    chosen = pairs[pairs["kind"] == kind].sort_values(["second", "first"])
    if chosen.empty:
        return findings_frame()
    partners = chosen.groupby("second")["first"].size()
    chosen = chosen.drop_duplicates("second")
    later = ops.loc[chosen["second"]]
    earlier = ops.loc[chosen["first"]]
    messages = [
        render(
            rule,
            {
                "earlier": (f"{s}, ligne {r}", f"{s}, row {r}"),
                "other": str(i) if pd.notna(i) else ("sans numéro", "without a number"),
                "count": int(n),
                "eu": eur(float(e)),
                "eligible": eur(float(g)) if pd.notna(g) else "—",
            },
        )
        for s, r, i, n, e, g in zip(
            earlier[SOURCE], earlier[ROW], earlier["operation_id"], partners.loc[chosen["second"]],
            chosen["eu"], chosen["eligible"], strict=True,
        )
    ]  # fmt: skip
    return records(
        rule,
        later,
        field="eu_amount" if kind == "double_funding" else "operation_name",
        values=list(chosen["eu"] if kind == "double_funding" else text(later, "operation_name")),
        expected=list(chosen["eligible"]) if kind == "double_funding" else None,
        messages=messages,
    )


@register
class SplitOperation:
    """Near-identical operations of one beneficiary with overlapping dates (warning)."""

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
            "Même bénéficiaire, intitulé quasi identique et dates qui se chevauchent que "
            "l'opération {other} ({earlier}) ; {count} opération(s) proche(s)."
        ),
        message_en=(
            "Same beneficiary, near-identical title and overlapping dates as operation {other} "
            "({earlier}); {count} similar operation(s)."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 63(9); Art 49(3) (one code per operation)",
    )
    parameters: ClassVar[type[Parameters]] = SplitParameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        return _findings(self.rule, classified_pairs(data, reference, parameters), "split")


@register
class DoubleFunding:
    """The same operation in two funds or programmes, EU amounts above its eligible cost."""

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
            "Même opération que {other} ({earlier}) dans un autre fonds ou programme : montants "
            "UE cumulés {eu} au-delà du coût éligible de {eligible}."
        ),
        message_en=(
            "Same operation as {other} ({earlier}) in another fund or programme: combined EU "
            "amounts {eu} above the eligible cost of {eligible}."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 63(9)",
    )
    parameters: ClassVar[type[Parameters]] = SplitParameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        return _findings(self.rule, classified_pairs(data, reference, parameters), "double_funding")
