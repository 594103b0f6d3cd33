"""Per-record defects: one altered row per rule of the demo (``DEFECTS``), and random defects
for benchmark files (``inject_random_defects``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from fundcheck.demo.builder import Build, objective_labels, set_each, set_value
from fundcheck.demo.vocabulary import (
    DEFAULT_SEED,
    FUND_LABELS,
    IntArray,
    ObjArray,
    header_of,
    vocabulary,
)
from fundcheck.reference import load_reference

# --------------------------------------------------------------------------------------------
# Defects


@dataclass(frozen=True)
class Defect:
    rule: str
    field: str | None
    region: str  # region of the demo row
    description: str
    inject: Callable[[Build, IntArray], None]
    eligible: Callable[[Build], npt.NDArray[np.bool_]] = lambda b: np.ones(len(b.frame), bool)
    also: tuple[str, ...] = ()


def _is_erdf(build: Build) -> npt.NDArray[np.bool_]:
    return np.asarray(build.fund == "ERDF")


def _clear_location(build: Build, rows: IntArray) -> None:
    for field in (
        "operation_postcode",
        "location_text",
        "operation_department",
        "operation_region",
    ):
        set_value(build, field, rows, None)


def _wrong_objective(build: Build, rows: IntArray) -> None:
    label = objective_labels(load_reference(), ["ESO4.1"])[0]
    set_value(build, "specific_objective", rows, "ESO4.1")
    set_value(build, "specific_objective_label", rows, label)
    set_value(build, "policy_objective", rows, vocabulary()["policy_objectives"]["ESO4"])


def _unknown_postcode(build: Build, rows: IntArray) -> None:
    """Five digits whose prefix 96 is no département (a CEDEX code of a real département is a
    valid address, reported as info only)."""
    set_each(build, "operation_postcode", rows, [f"96{int(r) % 1000:03d}" for r in rows])


def _swap_dates(build: Build, rows: IntArray) -> None:
    start = build.frame.loc[rows, header_of("start_date")].to_list()
    end = build.frame.loc[rows, header_of("end_date")].to_list()
    set_each(build, "start_date", rows, end)
    set_each(build, "end_date", rows, start)


def _early_start(build: Build, rows: IntArray) -> None:
    days = (np.asarray(rows) * 37) % 300
    set_each(
        build, "start_date", rows, list(pd.Timestamp("2019-02-01") + pd.to_timedelta(days, "D"))
    )


def _rate_out_of_range(build: Build, rows: IntArray) -> None:
    set_value(build, "cofinancing_rate", rows, 1.5)


def _eu_above_eligible(build: Build, rows: IntArray) -> None:
    eligible = build.frame.loc[rows, header_of("total_eligible_cost")].to_numpy(dtype=float)
    set_value(build, "cofinancing_rate", rows, 1.0)
    set_each(build, "eu_amount", rows, list(np.round(eligible * 1.004, 2)))


def _small_cost(build: Build) -> npt.NDArray[np.bool_]:
    """Rows whose eligible cost is below the median of their programme and fund: a defect there
    leaves the programme's sums (co-financing ceiling) within their limits."""
    frame = build.frame
    cost = frame[header_of("total_eligible_cost")].astype(float)
    keys = [frame[header_of("programme_cci")], pd.Series(build.fund, index=frame.index)]
    return np.asarray(cost <= cost.groupby(keys).transform("median"))


def _eu_inconsistent(build: Build, rows: IntArray) -> None:
    eu = build.frame.loc[rows, header_of("eu_amount")].to_numpy(dtype=float)
    set_each(build, "eu_amount", rows, list(np.round(eu * 0.9, 2)))


def _has_predecessor(build: Build) -> npt.NDArray[np.bool_]:
    cci = build.frame[header_of("programme_cci")]
    return np.asarray(cci.groupby(cci).cumcount().to_numpy() > 0)


def first_of_programme(build: Build, rows: IntArray) -> IntArray:
    cci = build.frame[header_of("programme_cci")]
    first = pd.Series(np.arange(len(cci)), index=cci.index).groupby(cci).transform("min")
    return np.asarray(first.to_numpy()[rows], dtype=np.int64)


def duplicate_id(build: Build, rows: IntArray) -> None:
    ids = build.frame[header_of("operation_id")]
    set_each(build, "operation_id", rows, list(ids.iloc[first_of_programme(build, rows)]))


DEFECTS: tuple[Defect, ...] = (
    Defect(
        "eu21.art49.mandatory_field", "beneficiary_name", "84",
        "Nom du bénéficiaire left empty",
        lambda b, r: set_value(b, "beneficiary_name", r, None),
    ),
    Defect(
        "eu21.art49.mandatory_field", "operation_summary", "94",
        "Objectifs et réalisations escomptés et effectifs left empty",
        lambda b, r: set_value(b, "operation_summary", r, None),
    ),
    Defect(
        "eu21.art49.location_indicator", None, "93",
        "Code postal, Zone, Département and Région de l'opération all empty "
        "(the region comes from the programme)",
        _clear_location,
    ),
    Defect(
        "eu.cci.format", "programme_cci", "32",
        "NUMCCI 2021FR16FFPR0X8 (malformed; the region comes from the region cell)",
        lambda b, r: set_value(b, "programme_cci", r, "2021FR16FFPR0X8"),
    ),
    Defect(
        "eu21.cci.known_programme", "programme_cci", "76",
        "NUMCCI 2021FR16FFPR099 (well formed, no such programme)",
        lambda b, r: set_value(b, "programme_cci", r, "2021FR16FFPR099"),
    ),
    Defect(
        "eu21.fund.valid", "fund", "28", "Fonds FEDR (typo for FEDER)",
        lambda b, r: set_value(b, "fund", r, "FEDR"), _is_erdf,
    ),
    Defect(
        "eu21.specific_objective.valid_for_fund", "specific_objective", "27",
        "ESF+ objective ESO4.1 on a FEDER operation", _wrong_objective, _is_erdf,
    ),
    Defect(
        "eu21.intervention_field.valid", "intervention_field", "24",
        "Type d'intervention 999 (not an Annex I code)",
        lambda b, r: set_value(
            b, "intervention_field", r, "999 - Assistance technique forfaitaire"
        ),
    ),
    Defect(
        "fr.postcode.format", "beneficiary_postcode", "11",
        "beneficiary postcode 75O01 (letter O instead of zero)",
        lambda b, r: set_value(b, "beneficiary_postcode", r, "75O01"),
    ),
    Defect(
        "fr.postcode.exists", "operation_postcode", "53",
        "operation postcode of five digits whose prefix is no département", _unknown_postcode,
    ),
    Defect(
        "eu.country.valid", "country", "44", "Pays Allemange (misspelt, no country code)",
        lambda b, r: set_value(b, "country", r, "Allemange"),
    ),
    Defect(
        "eu.dates.start_before_end", "end_date", "52", "start and end dates swapped", _swap_dates
    ),
    Defect(
        "eu21.dates.eligibility_window", "start_date", "04",
        "start date in 2019, before the 2021-01-01 eligibility start", _early_start,
    ),
    Defect(
        "eu.rate.range", "cofinancing_rate", "01",
        "Taux de cofinancement 1.5 (EU amount left at the true rate)", _rate_out_of_range,
        also=("eu.amount.consistent_with_rate",),
    ),
    Defect(
        "eu.amount.eu_not_above_eligible", "eu_amount", "02",
        "Montant UE 0.4 % above the eligible cost, rate 1.0", _eu_above_eligible,
        _small_cost, also=("eu.cofinancing.full_rate",),
    ),
    Defect(
        "eu.amount.consistent_with_rate", "eu_amount", "03",
        "Montant UE 10 % below eligible cost × rate", _eu_inconsistent,
    ),
    Defect(
        "eu21.art49.unique_operation_id", "operation_id", "75",
        "Numéro Opération of an earlier operation of the same programme", duplicate_id,
        _has_predecessor,
    ),
    Defect(
        "read.unreadable_value", "start_date", "06", "start date 31/02/2023 (no such day)",
        lambda b, r: set_value(b, "start_date", r, "31/02/2023"),
    ),
)  # fmt: skip


def inject_random_defects(
    frame: pd.DataFrame, rate: float, seed: int = DEFAULT_SEED
) -> dict[str, int]:
    """Alter about ``rate`` of the rows of a generated list in place, one random defect each.

    Returns the number of rows altered per rule. For benchmarks: unlike the demo, rows are not
    kept apart, so a defect may occasionally hide or add another finding.
    """
    rng = np.random.default_rng([seed, 2])
    build = Build(
        frame=frame,
        region=np.full(len(frame), None, dtype=object),
        fund=frame[header_of("fund")].map({v: k for k, v in FUND_LABELS.items()}).to_numpy(),
        national=np.zeros(len(frame), dtype=bool),
        dep=_departements_of(frame),
    )
    hit = np.flatnonzero(rng.random(len(frame)) < rate)
    kind = rng.integers(len(DEFECTS), size=len(hit))
    counts: dict[str, int] = {}
    for k, defect in enumerate(DEFECTS):
        rows = hit[kind == k]
        rows = rows[defect.eligible(build)[rows]]
        if len(rows):
            defect.inject(build, rows)
            counts[defect.rule] = counts.get(defect.rule, 0) + len(rows)
    return counts


def _departements_of(frame: pd.DataFrame) -> ObjArray:
    deps = load_reference().postcode_departement
    postcodes = frame[header_of("beneficiary_postcode")].map(
        lambda v: f"{int(v):05d}" if isinstance(v, int) else v
    )
    out: ObjArray = postcodes.map(deps).fillna("75").to_numpy(dtype=object)
    return out
