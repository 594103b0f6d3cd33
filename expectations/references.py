"""Code lists a suite file refers to by name (``{"$reference": "<name>"}``).

Each list comes from the packaged reference data (:func:`fundcheck.reference.load_reference`),
except ``countries``, a short list kept here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fundcheck.model import Period
from fundcheck.reference import FUND_ALIASES, FUNDS_2021_2027, load_reference, read_rows

EU_MEMBER_STATES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
EU_GREECE_CODE = "EL"  # the code EU institutions use for Greece (ISO 3166: GR)
INTERREG_PARTNER_COUNTRIES = (
    "AD", "CH", "GB", "IS", "LI", "MC", "NO", "SM", "VA",  # neighbours, EFTA, micro-states
    "AL", "BA", "ME", "MK", "RS",  # IPA III partners of Interreg Euro-MED
)  # fmt: skip


def countries() -> list[str]:
    """ISO 3166 alpha-2 codes accepted as an operation's country (Art 49(3)(l))."""
    return sorted({*EU_MEMBER_STATES, EU_GREECE_CODE, *INTERREG_PARTNER_COUNTRIES})


def programmes_2021_2027() -> list[str]:
    """CCI codes of French 2021-2027 programmes and of the Interreg programmes France is in."""
    return sorted(
        cci
        for cci, programme in load_reference().programmes.items()
        if programme.period is Period.P2021_2027
    )


def intervention_fields_2021_2027() -> list[str]:
    """Intervention-field codes of CPR Annex I, Table 1 (2021-2027)."""
    return sorted(load_reference().intervention_fields_2021_2027)


def postcodes() -> list[str]:
    """Postcodes of the La Poste official base."""
    return sorted(load_reference().postcode_departement)


def funds_2021_2027() -> list[str]:
    """Fund codes of the 2021-2027 period, after alias normalisation."""
    return sorted(FUNDS_2021_2027)


def specific_objectives_by_fund() -> dict[str, list[str]]:
    """Specific-objective codes valid for each fund (Interreg objectives count as ERDF).

    Read from the packaged CSV: its ``fund`` cell joins funds with ``+`` ("CF+ERDF"), and a fund
    code may itself end with ``+`` ("ESF+"), so it is split only before a capital letter.
    """
    by_fund: dict[str, set[str]] = {}
    for row in read_rows("specific_objectives_2021_2027.csv"):
        for fund in re.split(r"\+(?=[A-Z])", row["fund"]):
            canonical = "ERDF" if fund == "Interreg" else FUND_ALIASES.get(fund.upper(), fund)
            by_fund.setdefault(canonical, set()).add(row["code"])
    return {fund: sorted(codes) for fund, codes in sorted(by_fund.items())}


_RESOLVERS: dict[str, Callable[[], Any]] = {
    "countries": countries,
    "funds_2021_2027": funds_2021_2027,
    "intervention_fields_2021_2027": intervention_fields_2021_2027,
    "postcodes": postcodes,
    "programmes_2021_2027": programmes_2021_2027,
    "specific_objectives_by_fund": specific_objectives_by_fund,
}
REFERENCE_NAMES = frozenset(_RESOLVERS)


def resolve_reference(name: str) -> Any:
    """The code list a ``$reference`` placeholder names."""
    return _RESOLVERS[name]()
