"""Texts are matched in a folded form (``frames.plain``), computed in Arrow: it equals the same
steps written with Python's ``re`` and ``unicodedata``, on real names and titles and on any
text of characters Python's Unicode database knows."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from fundcheck.checks.frames import plain
from fundcheck.connectors import read_source
from fundcheck.reference import load_reference

REAL = Path(__file__).resolve().parents[1] / "data" / "realfiles"


def folded_in_python(text: str) -> str | None:
    """The folding, step by step, in plain Python."""
    text = re.sub(r"[^\w]+", " ", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return text or None


def _as_python(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in values]


def test_real_names_and_titles_fold_as_in_python() -> None:
    reference = load_reference()
    columns = ("beneficiary_name", "operation_name", "operation_summary")
    files = (
        "20260316_liste_operations_extrait_9_regions.xlsx",  # French accents, ligatures
        "ListOfOperations_20160513.head260.csv",  # Greek
        "ERDF_Denmark_2014-2020.original.csv",  # Danish letters
    )
    pieces = []
    for name in files:
        frame = read_source(REAL / name, reference).frame
        pieces += [frame[c].astype("string") for c in columns if c in frame.columns]
    texts = pd.concat(pieces, ignore_index=True)
    expected = [None if pd.isna(v) else folded_in_python(str(v)) for v in texts]
    assert _as_python(plain(texts)) == expected
    assert texts.str.contains("é").any() and texts.str.contains("α").any()


KNOWN = st.characters(
    blacklist_categories=("Cn", "Cs"),  # unassigned in Python's database, surrogates
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(KNOWN, max_size=30)), max_size=20))
def test_any_text_folds_as_in_python(cells: list[str | None]) -> None:
    values = pd.Series(cells, dtype="string")
    expected = [None if v is None else folded_in_python(v) for v in cells]
    assert _as_python(plain(values)) == expected


def test_examples() -> None:
    values = pd.Series(["  Ville d'Évry – Tranche n°2 ", "ŒUVRE ﬁnale™", "___", None, "Straße"])
    assert _as_python(plain(values)) == [
        "ville d evry tranche n 2",
        "uvre finale",
        None,
        None,
        "strae",
    ]
