"""Decoding that needs more than one cell: a code completed or found from the row's other columns.

Each step changes a cell only when the row makes the code certain, and is reported as an ``info``
normalisation (count and example), so a controller sees what was read and why:

- a specific objective given as a bare number ("2.7") gets the family of the row's fund
  (ERDF or CF → RSO, ESF+ → ESO, JTF → JSO, EMFAF → MSO);
- an empty specific-objective code takes the code of the sibling "code and label" column;
- a missing or label-shaped programme CCI is found from the programme's label when the label
  names exactly one programme;
- an empty country is France when the operation's region, département or postcode is French.
"""

from __future__ import annotations

import re

import pandas as pd

from fundcheck.connectors.codes import specific_objective
from fundcheck.model import Normalisation
from fundcheck.reference import load_reference
from fundcheck.reference.lookups import programmes_for_label

_FAMILY_BY_FUND = {"ERDF": "RSO", "CF": "RSO", "ESF+": "ESO", "JTF": "JSO", "EMFAF": "MSO"}
_BARE = re.compile(r"^\d\.\d{1,2}$")
CCI_SHAPE = re.compile(r"^\d{4}[A-Z]{2}\d{2}[0-9A-Z]{4}\d{3}$")


def _note(
    kind: str, field: str, label: str | None, mask: pd.Series, raw: pd.Series
) -> Normalisation:
    """One normalisation: how many rows ``mask`` selects, and the first one's raw cell."""
    examples = raw.reindex(mask.index)[mask.to_numpy(dtype=bool)].dropna()
    example = str(examples.iloc[0]) if len(examples) else None
    return Normalisation(kind, field, label, int(mask.sum()), example)


def _bare_objectives(frame: pd.DataFrame, labels: dict[str, str]) -> list[Normalisation]:
    if "specific_objective" not in frame or "fund" not in frame:
        return []
    objective = frame["specific_objective"].astype("string")
    family = frame["fund"].astype("string").map(_FAMILY_BY_FUND)
    bare = objective.str.fullmatch(_BARE.pattern).fillna(False) & family.notna()
    if not bare.any():
        return []
    frame.loc[bare, "specific_objective"] = family[bare] + objective[bare]
    return [
        _note(
            "specific_objective_bare_number",
            "specific_objective",
            labels.get("specific_objective"),
            bare,
            objective,
        )
    ]


def _objectives_from_sibling(frame: pd.DataFrame, labels: dict[str, str]) -> list[Normalisation]:
    if "specific_objective" not in frame or "specific_objective_label" not in frame:
        return []
    empty = frame["specific_objective"].isna() & frame["specific_objective_label"].notna()
    if not empty.any():
        return []
    sibling = frame.loc[empty, "specific_objective_label"].astype(str)
    decoded = sibling.map(lambda text: specific_objective(text)[0])
    usable = decoded != sibling
    if not usable.any():
        return []
    rows = usable[usable].index
    frame.loc[rows, "specific_objective"] = decoded[rows]
    mask = pd.Series(False, index=frame.index)
    mask[rows] = True
    label = labels.get("specific_objective_label")
    return [_note("specific_objective_from_sibling", "specific_objective", label, mask, sibling)]


def _programmes_from_labels(frame: pd.DataFrame, labels: dict[str, str]) -> list[Normalisation]:
    if "programme_cci" not in frame and "programme_title" not in frame:
        return []
    cci = (
        frame["programme_cci"].astype("string")
        if "programme_cci" in frame
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    shaped = cci.str.fullmatch(CCI_SHAPE.pattern).fillna(False).astype(bool)
    title = (
        frame["programme_title"].astype("string")
        if "programme_title" in frame
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    text = cci.where(cci.notna() & ~shaped, title)
    wanted = ~shaped & text.notna()
    if not wanted.any():
        return []
    found = {
        value: programmes_for_label(value) for value in text[wanted].dropna().unique().tolist()
    }
    decoded = text[wanted].map(lambda v: found[v][0] if len(found[v]) == 1 else pd.NA)
    hits = decoded.notna()
    if not hits.any():
        return []
    rows = decoded[hits].index
    frame["programme_cci"] = cci
    frame.loc[rows, "programme_cci"] = decoded[rows].astype(str)
    mask = pd.Series(False, index=frame.index)
    mask[rows] = True
    column = labels.get("programme_cci") or labels.get("programme_title")
    labels.setdefault("programme_cci", column or "programme")
    return [_note("programme_from_label", "programme_cci", column, mask, text)]


def _country_from_location(frame: pd.DataFrame, labels: dict[str, str]) -> list[Normalisation]:
    if "country" not in frame:
        return []
    reference = load_reference()
    empty = frame["country"].isna()
    if not empty.any():
        return []
    french = pd.Series(False, index=frame.index)
    if "operation_region" in frame:
        french |= frame["operation_region"].isin(list(reference.regions)).fillna(False)
    if "operation_department" in frame:
        french |= frame["operation_department"].isin(list(reference.departements)).fillna(False)
    if "operation_postcode" in frame:
        postcodes = frame["operation_postcode"]
        french |= postcodes.isin(list(reference.postcode_departement)).fillna(False)
    fill = empty & french
    if not fill.any():
        return []
    raw = frame["operation_region"] if "operation_region" in frame else frame["country"]
    frame.loc[fill, "country"] = "FR"
    return [_note("country_from_location", "country", labels.get("country"), fill, raw.fillna(""))]


def decode_in_context(frame: pd.DataFrame, labels: dict[str, str]) -> list[Normalisation]:
    """Apply every contextual decoding step to the canonical frame, in place."""
    notes: list[Normalisation] = []
    notes += _objectives_from_sibling(frame, labels)
    notes += _bare_objectives(frame, labels)
    notes += _programmes_from_labels(frame, labels)
    notes += _country_from_location(frame, labels)
    return notes
