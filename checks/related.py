"""Groups of related operations: one beneficiary, near-identical titles, overlapping dates.

Two operations are *near-duplicates* when they have the same beneficiary key, non-empty titles
whose similarity (rapidfuzz ``fuzz.ratio`` on the folded text, 0-100) is at least the threshold
and that name the same thing (same years, no word of one without a close word in the other: see
``names_another``), overlapping dates (start of each ≤ end of the other) and the same département
or an unknown one. Related operations form groups: the connected components of this relation
(with any other links the caller adds, such as a shared operation number).

The cost stays O(n log n) in the rows, in bounded memory, whatever the titles:

1. rows are blocked by beneficiary; within a block only *distinct* titles are compared, each pair
   of distinct titles once (many small blocks in one vectorised ``cpdist`` call, a large block in
   chunks of ``CELLS`` scores);
2. rows are never compared pairwise: for one title (or one pair of similar titles) and one
   département, rows sorted by start date are swept once, each row linked to the earlier row
   whose end reaches furthest (the two overlap whenever the row overlaps any earlier one), which
   connects exactly the rows that chains of overlapping dates connect;
3. groups are the connected components of these links (``components``).

An operation without a start or an end date, or ending before it starts, is never related.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

CELLS = 4_000_000
"""Similarity scores computed at once (pairs of distinct titles, chunk by chunk)."""
SMALL = 64
"""Distinct titles of a beneficiary up to which its pairs go in one call with other blocks'."""
SWEPT = 4_000_000
"""Rows swept at once for the pairs of similar titles (chunk by chunk)."""
MAX_TITLE = 500
"""Characters of a title compared (beyond, two titles are told apart by their beginning)."""
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def near_duplicate_links(
    keys: pd.Series,
    titles: pd.Series,
    start: pd.Series,
    end: pd.Series,
    places: np.ndarray,
    similarity: float,
    rank: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Links (``first``, ``second``: positions, each pair overlapping in dates) that connect
    every group of near-duplicates. ``keys``: beneficiary (NA: not compared); ``titles``: folded
    titles (NA or "": not compared); ``places``: départements ("" when unknown); ``rank``: the
    order in which rows starting on the same day are swept (default: their positions; a rank
    made from the rows' contents draws the same links whatever the order of the rows)."""
    begin = pd.to_datetime(start, errors="coerce").to_numpy(dtype="datetime64[ns]")
    finish = pd.to_datetime(end, errors="coerce").to_numpy(dtype="datetime64[ns]")
    key_code = pd.factorize(keys, use_na_sentinel=True)[0]
    title_code, title_values = pd.factorize(titles, use_na_sentinel=True)
    # titles compared on their first MAX_TITLE characters: one number per shortened text
    short_code, short_text = pd.factorize(
        pd.Series(np.asarray(title_values, dtype=object), dtype=object).str.slice(0, MAX_TITLE)
    )
    filled = np.append(np.asarray(short_text, dtype=object)[short_code] != "", False)
    usable = (
        (key_code >= 0)
        & filled[title_code]  # code -1 (no title) reads the appended False
        & ~np.isnat(begin)
        & ~np.isnat(finish)
        & (begin <= finish)
    )
    rows = np.flatnonzero(usable)
    if len(rows) < 2:
        return _no_links()
    block = pd.factorize(key_code[rows])[0]
    title = short_code[title_code[rows]]
    node, distinct = pd.factorize(block.astype(np.int64) * len(short_text) + title)
    node_block = distinct // len(short_text)
    node_title = np.asarray(short_text, dtype=object)[distinct % len(short_text)]
    groups = _place_groups(block, places[rows])  # (position in rows, place group) pairs
    member, group = groups[:, 0], groups[:, 1]
    order = np.arange(len(keys)) if rank is None else np.asarray(rank, dtype=np.int64)
    times = (begin[rows].view(np.int64), finish[rows].view(np.int64), order[rows])
    links = [_sweep(node[member] * (group.max() + 1) + group, member, times)]
    similar = list(_similar_titles(node_block, node_title, similarity))
    t1 = np.concatenate([np.empty(0, dtype=np.int64), *(a for a, _ in similar)])
    t2 = np.concatenate([np.empty(0, dtype=np.int64), *(b for _, b in similar)])
    links.append(_pair_sweep(t1, t2, node, member, group, times))
    first = np.concatenate([a for a, _ in links])
    second = np.concatenate([b for _, b in links])
    return rows[first], rows[second]


def _no_links() -> tuple[np.ndarray, np.ndarray]:
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)


def _place_groups(block: np.ndarray, places: np.ndarray) -> np.ndarray:
    """(row, group) pairs: a row with a known département is in its block's group of that
    département; a row without one is in every group of its block (in one group of its own
    block when no row of the block has a département)."""
    place = pd.Series(places, dtype=object).fillna("").to_numpy(dtype=object)
    known = place != ""
    frame = pd.DataFrame({"row": np.arange(len(block)), "block": block, "place": place})
    located = frame[known]
    present = located[["block", "place"]].drop_duplicates()
    unknown = frame[~known].drop(columns="place")
    spread = unknown.merge(present, on="block", how="left").fillna({"place": ""})
    both = pd.concat([located, spread], ignore_index=True)
    place_code = pd.factorize(both["place"])[0]
    group = pd.factorize(both["block"].to_numpy(np.int64) * (place_code.max() + 1) + place_code)[0]
    return np.column_stack([both["row"].to_numpy(dtype=np.int64), group])


def _sweep(
    group: np.ndarray, row: np.ndarray, times: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Within each group, rows by start date (then rank): each row that overlaps an earlier one
    is linked to the earlier row whose end reaches furthest (which it overlaps)."""
    if len(row) < 2:
        return _no_links()
    begin, finish = times[0][row], times[1][row]
    order = np.lexsort((times[2][row], begin, group))
    group, row, begin, finish = group[order], row[order], begin[order], finish[order]
    frame = pd.DataFrame({"group": group, "end": finish})
    reach = frame.groupby("group", sort=False)["end"].cummax().to_numpy()
    position = np.arange(len(row))
    marked = pd.Series(np.where(finish == reach, position, np.nan))
    holder = marked.groupby(group, sort=False).ffill().to_numpy()
    starts = np.r_[True, group[1:] != group[:-1]]
    earlier_reach = np.r_[np.iinfo(np.int64).min, reach[:-1]]
    earlier = np.r_[0, holder[:-1]].astype(np.int64)
    linked = ~starts & (begin <= earlier_reach)
    return row[earlier[linked]], row[linked]


def _pair_sweep(
    t1: np.ndarray,
    t2: np.ndarray,
    node: np.ndarray,
    member: np.ndarray,
    group: np.ndarray,
    times: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The sweep over the rows of each pair of similar titles (``t1[i]``, ``t2[i]``), by
    département group: links between rows of either title whose dates overlap. The rows of the
    pairs are swept ``SWEPT`` at a time."""
    if not len(t1):
        return _no_links()
    order = np.argsort(node[member], kind="stable")
    member, group = member[order], group[order]
    count = np.bincount(node[member], minlength=int(node.max()) + 1)
    first = np.r_[0, np.cumsum(count)[:-1]]
    width = int(group.max()) + 1
    sizes = count[t1] + count[t2]
    bounds = np.r_[0, np.cumsum(sizes)]
    links = []
    begin = 0
    while begin < len(t1):
        stop = max(begin + 1, int(np.searchsorted(bounds, bounds[begin] + SWEPT, "right")) - 1)
        pairs = np.arange(begin, min(stop, len(t1)))
        entry = np.concatenate([_spread(first[t[pairs]], count[t[pairs]]) for t in (t1, t2)])
        pair = np.concatenate([np.repeat(pairs, count[t[pairs]]) for t in (t1, t2)])
        links.append(_sweep(pair * width + group[entry], member[entry], times))
        begin = stop
    return np.concatenate([a for a, _ in links]), np.concatenate([b for _, b in links])


def _spread(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The positions first[i], first[i] + 1, ..., first[i] + count[i] - 1, for every i."""
    total = int(count.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    spread: np.ndarray = np.repeat(first, count) + offsets
    return spread


def _similar_titles(
    node_block: np.ndarray, node_title: np.ndarray, similarity: float
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs of distinct titles of one block that are similar and name the same thing, in
    chunks (``t1``, ``t2``: title numbers)."""
    order = np.argsort(node_block, kind="stable")
    blocks = node_block[order]
    starts = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]])
    sizes = np.diff(np.r_[starts, len(blocks)])
    for size in np.unique(sizes[(sizes > 1) & (sizes <= SMALL)]):
        offsets = starts[sizes == size]
        upper, lower = np.triu_indices(int(size), k=1)
        step = max(1, CELLS // len(upper))
        for begin in range(0, len(offsets), step):
            chosen = offsets[begin : begin + step, None]
            a = order[(chosen + upper).ravel()]
            b = order[(chosen + lower).ravel()]
            yield _same_things(a, b, node_title, similarity)
    for offset, size in zip(starts[sizes > SMALL], sizes[sizes > SMALL], strict=True):
        yield from _large_block(order[offset : offset + size], node_title, similarity)


def _large_block(
    nodes: np.ndarray, node_title: np.ndarray, similarity: float
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    titles = node_title[nodes]
    step = max(1, CELLS // len(nodes))
    for begin in range(0, len(nodes), step):
        scores = process.cdist(
            titles[begin : begin + step], titles, scorer=fuzz.ratio, score_cutoff=similarity,
            dtype=np.float32,
        )  # fmt: skip
        line, column = np.nonzero(scores >= similarity)
        line = line + begin
        keep = line < column
        yield _checked(nodes[line[keep]], nodes[column[keep]], node_title)


def _same_things(
    a: np.ndarray, b: np.ndarray, node_title: np.ndarray, similarity: float
) -> tuple[np.ndarray, np.ndarray]:
    scores = process.cpdist(
        node_title[a], node_title[b], scorer=fuzz.ratio, score_cutoff=similarity,
        dtype=np.float32,
    )  # fmt: skip
    similar = scores >= similarity
    return _checked(a[similar], b[similar], node_title)


def _checked(a: np.ndarray, b: np.ndarray, node_title: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The similar pairs whose titles name the same thing (each pair of texts judged once)."""
    if not len(a):
        return a, b
    texts = pd.Series(list(zip(node_title[a], node_title[b], strict=True)))
    codes, distinct = pd.factorize(texts)
    same = np.array([not names_another(x, y) for x, y in distinct], dtype=bool)
    keep = same[codes]
    return a[keep], b[keep]


@cache
def _years(title: str) -> str:
    return " ".join(_YEAR.findall(title))


def names_another(a: str, b: str) -> bool:
    """Whether two similar titles name different things: different years ("appel 2023" /
    "appel 2024": two editions of a recurring action), or a word of one (longer than 3
    letters, not a number) with no close word (ratio ≥ 80) in the other ("Programme BIOMAT
    sur les matériaux" / "Programme OCEANIA sur les matériaux"). "Travaux tranche 1" and
    "Travaux tranche 2", or a typo, name one thing."""
    if _years(a) != _years(b):
        return True
    words_a, words_b = a.split(), b.split()
    only_a = [w for w in words_a if w not in words_b and len(w) > 3 and not w.isdigit()]
    only_b = [w for w in words_b if w not in words_a and len(w) > 3 and not w.isdigit()]
    return any(
        not any(fuzz.ratio(word, other) >= 80 for other in others)
        for words, others in ((only_a, only_b), (only_b, only_a))
        for word in words
    )


def components(count: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The connected component of each of ``count`` nodes given links (``first[i]``,
    ``second[i]``): its smallest node (hook the larger root under the smaller, then halve the
    paths, until nothing moves)."""
    if not len(first):
        return np.arange(count, dtype=np.int64)
    small = np.int32 if count < np.iinfo(np.int32).max else np.int64  # half the memory
    label = np.arange(count, dtype=small)
    first, second = first.astype(small, copy=False), second.astype(small, copy=False)
    while True:
        a, b = label[first], label[second]
        low = np.minimum(a, b)
        hooked = label.copy()
        np.minimum.at(hooked, a, low)
        np.minimum.at(hooked, b, low)
        del a, b, low
        while True:
            jumped = hooked[hooked]
            if np.array_equal(jumped, hooked):
                break
            hooked = jumped
        if np.array_equal(hooked, label):
            return label.astype(np.int64)
        label = hooked
