"""Finding the header row: the row among the first ones whose cells best match a profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from fundcheck.connectors.cells import display_text
from fundcheck.connectors.mapping_profiles import MappingProfile, ProfileMatch, best_match

SCAN_ROWS = 30
"""How many rows from the top may hold the header (titles and notices often come first)."""


@dataclass(frozen=True)
class HeaderRow:
    """Where the header sits (0-based grid row), its texts and the profile match."""

    index: int
    headers: list[str]
    match: ProfileMatch

    def rank(self) -> tuple[bool, float, int]:
        return self.match.rank()


MAX_HEADER_LENGTH = 500
"""A header is a few words (the longest published one, a bilingual Annex XII header, is under
200 characters): a longer cell is data, and is looked at by its first characters only, so that a
megabyte-long title among the first rows costs nothing to the header scan."""


def header_texts(cells: Sequence[object]) -> list[str]:
    return [(display_text(cell) or "")[:MAX_HEADER_LENGTH] for cell in cells]


def find_header(head: pd.DataFrame, profiles: Sequence[MappingProfile]) -> HeaderRow | None:
    """The first row with the most recognised headers, or None when no row has at least two
    (one for a profile of a single column)."""
    found: HeaderRow | None = None
    cells = head.iloc[:SCAN_ROWS].to_numpy(dtype=object)  # at once: row by row is slow when wide
    for index in range(len(cells)):
        headers = header_texts(cells[index].tolist())
        match = best_match(headers, profiles)
        least = min(2, len(match.profile.keys()))
        if match.recognised < least:
            continue
        if found is None or (match.recognised, match.mappable) > (
            found.match.recognised,
            found.match.mappable,
        ):
            found = HeaderRow(index, headers, match)
    return found
