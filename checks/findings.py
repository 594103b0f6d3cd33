"""Building findings of aggregate checks: bilingual figures, one row per finding.

Messages are rule templates filled with values that may differ by language: a ``Text`` pair
(French, English) such as ``pct(0.634)`` = ("63,4 %", "63.4 %").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.checks.frames import SOURCE
from fundcheck.findings import finding, findings_frame, record_findings, render_message
from fundcheck.model import FIELDS, REGION, Rule, Scope
from fundcheck.reference import Reference

Text = tuple[str, str]


def pct(share: float, digits: int = 1) -> Text:
    """A share as a percentage: (fr "63,4 %", en "63.4 %")."""
    english = f"{share * 100:.{digits}f} %"
    return english.replace(".", ","), english


def eur(amount: float) -> Text:
    """An amount in euros: (fr "1 234 567 €", en "EUR 1,234,567")."""
    english = f"{amount:,.0f}"
    return english.replace(",", "\u202f") + " €", f"EUR {english}"


def both(value: Any) -> Text:
    """The same text in both languages."""
    text = "" if value is None else str(value)
    return text, text


def render(rule: Rule, values: Mapping[str, Any]) -> Text:
    """The rule's French and English messages filled with ``values`` (Text pairs or plain)."""
    fr = {k: v[0] if isinstance(v, tuple) else v for k, v in values.items()}
    en = {k: v[1] if isinstance(v, tuple) else v for k, v in values.items()}
    return render_message(rule.message_fr, **fr), render_message(rule.message_en, **en)


def aggregate(
    rule: Rule,
    scope: Scope,
    *,
    value: Any,
    expected: Any,
    message: Mapping[str, Any],
    programme: str | None = None,
    region: str | None = None,
    source: str | None = None,
    field: str | None = None,
    count: int | None = None,
    legal_basis: str | None = None,
) -> dict[str, Any]:
    """One programme-, region- or dataset-level finding (a row for ``findings_frame``).

    ``value`` and ``expected`` are stored as they are (fractions, amounts); ``message`` holds the
    texts of the message template (``{programme}``, ``{region}``, ``{count}``, ``{value}`` and
    ``{expected}`` are filled from the finding unless given).
    """
    defaults = {"programme": programme, "region": region, "count": count}
    fr, en = render(rule, {**defaults, "value": value, "expected": expected, **message})
    return finding(
        rule,
        scope,
        source=source,
        programme=programme,
        region=region,
        field=field,
        value=value,
        expected=expected,
        count=count,
        message_fr=fr,
        message_en=en,
        legal_basis=legal_basis,
    )


def one(values: pd.Series) -> str | None:
    """The single distinct non-empty value of a column, else None."""
    distinct = values.dropna().unique()
    return str(distinct[0]) if len(distinct) == 1 else None


def programme_region(group: pd.DataFrame, cci: str, reference: Reference) -> str | None:
    """The region of a programme finding: the programme's region, else the one region all the
    group's operations are attributed to, else None (the national bucket)."""
    programme = reference.programmes.get(cci)
    if programme and programme.region:
        return programme.region
    return one(group[REGION]) if REGION in group.columns else None


def records(
    rule: Rule,
    rows: pd.DataFrame,
    *,
    field: str | None,
    values: Sequence[Any],
    expected: Sequence[Any] | Any,
    messages: Sequence[Text],
    labels: Mapping[str, str] | None = None,
    legal_basis: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """One record-scope finding per row of ``rows`` (a slice of the operations table)."""
    if rows.empty:
        return findings_frame()
    spec = FIELDS.get(field or "")
    column = (labels or {}).get(field or "") or (spec.label_fr if spec else None)
    return record_findings(
        rule,
        rows,
        source=rows[SOURCE].to_numpy(),
        field=field,
        column=column,
        values=values,
        expected=expected,
        messages_fr=[m[0] for m in messages],
        messages_en=[m[1] for m in messages],
        legal_basis=legal_basis,
    )


MEMBER_STATE_LEVEL = (
    "par programme, pour information : la règle s'apprécie au niveau national ou de la catégorie "
    "de région ; option retenue par la France dans l'accord de partenariat non connue de fundcheck",
    "per programme, for information: the rule applies at Member State or category-of-region "
    "level; the option France chose in the partnership agreement is not known to fundcheck",
)


def for_information(row: dict[str, Any]) -> dict[str, Any]:
    """A programme-level result of a Member-State-level target: information, and says so."""
    return {
        **row,
        "severity": "info",
        "message_fr": f"{row['message_fr']} ({MEMBER_STATE_LEVEL[0]}).",
        "message_en": f"{row['message_en']} ({MEMBER_STATE_LEVEL[1]}).",
    }


LISTED_ROWS = 20
"""Rows a group finding names in its message (the others are counted)."""


def group_rows(sources: Sequence[str], rows: Sequence[int]) -> Text:
    """The rows of a group of operations for a message, in their order: numbers alone in the
    first row's source, "source, row N" in another one; beyond ``LISTED_ROWS``, how many more
    ("lignes 12, 40, 41" / "rows 12, 40 and 25 more")."""
    home = sources[0] if len(sources) else None
    fr: list[str] = []
    en: list[str] = []
    for source, row in list(zip(sources, rows, strict=True))[:LISTED_ROWS]:
        fr.append(str(row) if source == home else f"{source} ligne {row}")
        en.append(str(row) if source == home else f"{source} row {row}")
    more = len(rows) - len(fr)
    if more > 0:
        return (
            f"lignes {', '.join(fr)} et {more} autre(s)",
            f"rows {', '.join(en)} and {more} more",
        )
    return f"lignes {', '.join(fr)}", f"rows {', '.join(en)}"


def groups_rows(
    sources: np.ndarray | pd.Categorical, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> list[Text]:
    """``group_rows`` of each group of consecutive positions (``starts[i]:ends[i]`` of
    ``sources`` and ``rows``), without a Python step per row for a group whose rows are all in
    its first row's source (tens of thousands of groups in a large list): only the rows a
    message lists become text."""
    if not len(starts):
        return []
    codes = sources.codes if isinstance(sources, pd.Categorical) else sources
    group = np.repeat(np.arange(len(starts)), ends - starts)
    home = codes[starts][group]
    one_source = np.logical_and.reduceat(codes == home, starts) if len(codes) else starts
    del group, home
    out: list[Text] = []
    for begin, end, alone in zip(starts.tolist(), ends.tolist(), one_source.tolist(), strict=True):
        if not alone:
            names = np.asarray(sources[begin:end], dtype=object)
            out.append(group_rows(list(names), rows[begin:end].tolist()))
            continue
        listed = ", ".join(map(str, rows[begin : min(end, begin + LISTED_ROWS)].tolist()))
        more = end - begin - LISTED_ROWS
        if more > 0:
            out.append((f"lignes {listed} et {more} autre(s)", f"rows {listed} and {more} more"))
        else:
            out.append((f"lignes {listed}", f"rows {listed}"))
    return out
