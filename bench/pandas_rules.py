"""Hand-written vectorised pandas pass of the record rules: the baseline fundcheck is compared to.

Usage:
    .venv/bin/python bench/pandas_rules.py FILE.csv      (prints a JSON summary on stdout)

Reads a CSV in the French national 2021-2027 format (as written by bench/generate.py), normalises
the cells fundcheck normalises (blanks, dates, amounts, rates, postcodes, codes, fund aliases,
country names), evaluates every record rule of the catalogue as a boolean mask, attributes each
row to a region (region cell, then postcode, then département, then programme) and counts the
failing rows per rule and per region. No reports, no messages, no legal bases: the floor of what
a rule engine has to do.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.demo import header_of
from fundcheck.reference import FUND_ALIASES, FUNDS_2021_2027, load_reference, read_rows

CCI_PATTERN = (
    r"^(?:2014|2015|2016|2021)(?:FR|TC)(?:05|14|16)(?:RF|SF|CF|JT|FF|MF|NX|M[0-9A])"
    r"(?:OP|PR|TA|CB|TN|IR|OR|SM|PA)\d{3}$"
)
PLACEHOLDERS = ["N.C", "NC", "NR", "n/a", "N/A", "VOID", "---", "-"]
# fmt: off
COUNTRIES = {  # EU member states, then Interreg partner countries
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    "AD", "CH", "NO", "MC", "SM", "LI", "IS", "GB",
}
# fmt: on
COUNTRY_NAMES = {"FRANCE": "FR", "FRA": "FR", "ALLEMAGNE": "DE", "ESPAGNE": "ES", "ITALIE": "IT"}
SO_FUND_PREFIX = {"RSO": "ERDF", "ESO": "ESF+", "JSO": "JTF", "MSO": "EMFAF", "ISO": "ERDF"}
MANDATORY = (
    "operation_id", "programme_cci", "operation_name", "operation_summary", "beneficiary_name",
    "start_date", "end_date", "total_eligible_cost", "fund", "specific_objective",
    "cofinancing_rate", "country", "intervention_field",
)  # fmt: skip
LOCATION = ("operation_postcode", "location_text", "operation_department", "operation_region")
RATE_TOLERANCE = 0.005


def read(path: Path) -> pd.DataFrame:
    """The CSV as text: pyarrow's reader, or pandas' own when a cell spans several lines (real
    descriptions do; pyarrow's fast reader cannot split such a file)."""
    options: dict[str, Any] = {"sep": ";", "dtype": str, "keep_default_na": False}
    try:
        return pd.read_csv(path, engine="pyarrow", **options)
    except pd.errors.ParserError:
        return pd.read_csv(path, engine="c", **options)


def text(values: pd.Series) -> pd.Series:
    values = values.str.strip()
    return values.mask((values == "") | values.isin(PLACEHOLDERS))


def per_value(values: pd.Series, compute: Callable[[pd.Series], Any], fill: Any) -> pd.Series:
    """``compute`` run once on the distinct values, mapped back to every cell (NA → ``fill``).

    Codes, dates and labels repeat a lot: parsing a few thousand distinct values instead of a
    million cells is what any careful hand-written pass does.
    """
    positions, uniques = pd.factorize(values)
    computed = np.asarray(compute(pd.Series(uniques, dtype=object)))
    table = np.append(computed, np.array([fill], dtype=computed.dtype))
    return pd.Series(table[positions], index=values.index)


def pad_postcode(codes: pd.Series) -> pd.Series:
    codes = codes.str.removesuffix(".0")
    return codes.mask(codes.str.fullmatch(r"\d{4}"), "0" + codes)


def normalise(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical columns, and a mask of the date cells that could not be read."""
    cells = {field: text(raw[header_of(field)]) for field in (*MANDATORY, *LOCATION)}
    cells["beneficiary_postcode"] = text(raw[header_of("beneficiary_postcode")])
    cells["eu_amount"] = text(raw[header_of("eu_amount")])
    out = pd.DataFrame(cells)
    unreadable = pd.DataFrame(index=out.index)
    for field in ("start_date", "end_date"):
        parsed = per_value(
            out[field],
            lambda u: (
                pd.to_datetime(u, format="%d/%m/%Y", errors="coerce")
                .fillna(pd.to_datetime(u, format="ISO8601", errors="coerce"))
                .to_numpy()
            ),
            np.datetime64("NaT"),
        )
        unreadable[field] = out[field].notna() & parsed.isna()
        out[field] = parsed
    for field in ("total_eligible_cost", "eu_amount", "cofinancing_rate"):
        number = out[field].str.replace("\u00a0", "").str.replace(" ", "").str.replace("€", "")
        out[field] = pd.to_numeric(number.str.replace(",", "."), errors="coerce")
    if out["cofinancing_rate"].median() > 1:
        out["cofinancing_rate"] = out["cofinancing_rate"] / 100
    country = out["country"].str.upper()
    out["country"] = country.map(COUNTRY_NAMES).fillna(country).where(country.notna())
    french = out["country"].isna() | (out["country"] == "FR")  # a lost zero is French
    for field in ("operation_postcode", "beneficiary_postcode"):
        padded = per_value(out[field], lambda u: pad_postcode(u.astype("str")), None)
        out[field] = padded.where(french, out[field])
    dep = out["operation_department"].str.removesuffix(".0")
    out["operation_department"] = dep.mask(dep.str.len() == 1, "0" + dep)
    rows = read_rows("french_regions.csv")
    old = {r["insee_old_region_code"]: r["insee_region_code"] for r in rows}
    out["region_code"] = per_value(
        out["operation_region"],
        lambda u: u.str.extract(r"^(\d{2})/", expand=False).map(lambda c: old.get(c, c)),
        None,
    )
    out["specific_objective"] = per_value(
        out["specific_objective"],
        lambda u: u.str.extract(r"^([A-Z]{3})\s?(\d\.\d{1,2})").fillna("").agg("".join, axis=1),
        None,
    )
    fund = out["fund"].str.upper()
    out["fund"] = fund.map(FUND_ALIASES).fillna(fund).where(fund.notna())
    out["programme_cci"] = out["programme_cci"].str.upper().str.replace(" ", "")
    return out, unreadable


def invalid_intervention_cell(cell: str, known: frozenset[str]) -> bool:
    codes = re.findall(r"(?<!\d)(\d{3}) - ", cell)
    return not codes or any(code not in known for code in codes)


def rules(frame: pd.DataFrame, unreadable: pd.DataFrame) -> dict[str, pd.Series]:
    """One boolean mask per rule (per field for the mandatory-field rule)."""
    ref = load_reference()
    masks: dict[str, pd.Series] = {}
    for field in MANDATORY:
        missing = frame[field].isna()
        if field in unreadable:
            missing &= ~unreadable[field]
        masks[f"eu21.art49.mandatory_field[{field}]"] = missing
    masks["eu21.art49.location_indicator"] = frame[list(LOCATION)].isna().all(axis=1)
    cci = frame["programme_cci"]
    programmes = {c for c, p in ref.programmes.items() if p.period.value == "2021-2027"}
    pattern = re.compile(CCI_PATTERN)
    masks["eu.cci.format"] = per_value(cci, lambda u: ~u.str.fullmatch(pattern), False)
    masks["eu21.cci.known_programme"] = per_value(
        cci, lambda u: u.str.fullmatch(pattern) & ~u.isin(programmes), False
    )
    fund = frame["fund"]
    masks["eu21.fund.valid"] = fund.notna() & ~fund.isin(list(FUNDS_2021_2027))
    objective = frame["specific_objective"]
    known_objective = objective.isin(list(ref.specific_objectives))
    expected_fund = objective.str[:3].map(SO_FUND_PREFIX)
    masks["eu21.specific_objective.valid_for_fund"] = (
        objective.notna()
        & fund.isin(list(FUNDS_2021_2027))
        & ~(known_objective & (expected_fund == fund))
    )
    fields = frozenset(ref.intervention_fields_2021_2027)
    masks["eu21.intervention_field.valid"] = per_value(
        frame["intervention_field"],
        lambda u: [invalid_intervention_cell(cell, fields) for cell in u],
        False,
    )
    postcodes = set(ref.postcode_departement)
    for field in ("operation_postcode", "beneficiary_postcode"):  # one finding per cell
        five = per_value(frame[field], lambda u: u.str.fullmatch(r"\d{5}"), False)
        masks[f"fr.postcode.format[{field}]"] = frame[field].notna() & ~five
        masks[f"fr.postcode.exists[{field}]"] = per_value(
            frame[field], lambda u: u.str.fullmatch(r"\d{5}") & ~u.isin(postcodes), False
        )
    masks["eu.country.valid"] = frame["country"].notna() & ~frame["country"].isin(COUNTRIES)
    start, end = frame["start_date"], frame["end_date"]
    masks["eu.dates.start_before_end"] = (end < start).fillna(False)
    masks["eu21.dates.eligibility_window"] = (start < "2021-01-01").fillna(False) | (
        end > "2029-12-31"
    ).fillna(False)
    rate = frame["cofinancing_rate"]
    eligible, eu = frame["total_eligible_cost"], frame["eu_amount"]
    masks["eu.rate.range"] = ((rate <= 0) | (rate > 1)).fillna(False)
    masks["eu.amount.non_negative"] = ((eligible < 0) | (eu < 0)).fillna(False)
    masks["eu.amount.eu_not_above_eligible"] = (eu > eligible).fillna(False)
    gap = (eu - eligible * rate).abs() > RATE_TOLERANCE * eligible
    masks["eu.amount.consistent_with_rate"] = gap.fillna(False)
    ids = frame[["programme_cci", "operation_id"]]
    masks["eu21.art49.unique_operation_id"] = frame["operation_id"].notna() & ids.duplicated()
    masks["read.unreadable_value"] = unreadable.any(axis=1)
    return {name: mask.astype(bool) for name, mask in masks.items()}


def regions(frame: pd.DataFrame) -> pd.Series:
    """Region of each row: region cell, else postcode, else département, else programme."""
    ref = load_reference()
    valid = list(ref.regions)
    dep_region = {code: d.region for code, d in ref.departements.items() if d.region}
    region = frame["region_code"].where(frame["region_code"].isin(valid))
    postcode_dep = frame["operation_postcode"].map(ref.postcode_departement)
    region = region.fillna(postcode_dep.map(dep_region))
    region = region.fillna(frame["operation_department"].map(dep_region))
    programme_region = {c: p.region for c, p in ref.programmes.items() if p.region}
    region = region.fillna(frame["programme_cci"].map(programme_region))
    return region.fillna("national")


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    load_reference()
    lap("reference")
    raw = read(Path(args[0]))
    lap("read")
    frame, unreadable = normalise(raw)
    lap("normalise")
    masks = rules(frame, unreadable)
    lap("rules")
    region = regions(frame)
    table = pd.DataFrame(masks)
    by_region = table.groupby(region.to_numpy()).sum()
    lap("attribute_and_count")
    findings: dict[str, int] = {}
    for name, count in table.sum().items():
        rule = str(name).split("[")[0]
        findings[rule] = findings.get(rule, 0) + int(count)
    result = {
        "rows": len(frame),
        "seconds": {**timings, "total": round(sum(timings.values()), 3)},
        "findings": findings,
        "failing_rows": int(table.any(axis=1).sum()),
        "by_region": {str(r): int(v) for r, v in by_region.sum(axis=1).items() if not np.isnan(v)},
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
