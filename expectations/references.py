"""Code lists a suite file refers to by name (``{"$reference": "<name>"}``).

Each list comes from the packaged reference data, loading only the lists it is made of (the
``load_*`` functions of :mod:`fundcheck.reference`: a suite never waits for the postcodes it does
not use), except ``countries``, a short list kept here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from fundcheck.model import Period
from fundcheck.reference import (
    FUNDS_2014_2020,
    FUNDS_2021_2027,
    load_intervention_fields_2014_2020,
    load_intervention_fields_2021_2027,
    load_postcode_departement,
    load_programmes,
    load_reference,
    load_regions,
    load_specific_objectives,
    read_rows,
)
from fundcheck.reference.lookups import programme_territory

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
        cci for cci, programme in load_programmes().items() if programme.period is Period.P2021_2027
    )


def programmes_2014_2020() -> list[str]:
    """CCI codes of the French 2014-2020 operational programmes (RULES.md §7.2)."""
    return sorted(
        cci for cci, programme in load_programmes().items() if programme.period is Period.P2014_2020
    )


def intervention_fields_2014_2020() -> list[str]:
    """Codes of the 2014-2020 categories of intervention (Reg. (EU) No 215/2014 Annex I)."""
    return sorted(load_intervention_fields_2014_2020())


def funds_2014_2020() -> list[str]:
    """Fund codes of the 2014-2020 period, after alias normalisation (FEDER -> ERDF, IEJ -> YEI)."""
    return sorted(FUNDS_2014_2020)


def intervention_fields_2021_2027() -> list[str]:
    """Intervention-field codes of CPR Annex I, Table 1 (2021-2027)."""
    return sorted(load_intervention_fields_2021_2027())


def postcodes() -> list[str]:
    """Postcodes of the La Poste official base."""
    return sorted(load_postcode_departement())


def funds_2021_2027() -> list[str]:
    """Fund codes of the 2021-2027 period, after alias normalisation."""
    return sorted(FUNDS_2021_2027)


def specific_objectives_by_fund() -> dict[str, list[str]]:
    """Specific-objective codes valid for each fund (Interreg objectives count as ERDF)."""
    by_fund: dict[str, set[str]] = {}
    for objective in load_specific_objectives().values():
        for fund in objective.funds:
            by_fund.setdefault(fund, set()).add(objective.code)
    return {fund: sorted(codes) for fund, codes in sorted(by_fund.items())}


_FORMS_BY_FUND = {
    "ERDF": (("RSO", range(1, 6)), ("ISO", range(6, 8))),  # Interreg objectives are ERDF
    "CF": (("RSO", range(1, 6)),),
    "ESF+": (("ESO", range(4, 5)),),
    "JTF": (("JSO", range(8, 9)),),
    "EMFAF": (("MSO", range(1, 5)),),
}


def specific_objective_forms_by_fund() -> dict[str, list[str]]:
    """Every code of the form of each fund's specific objectives, known or not: ERDF and CF
    objectives are RSO1.x-RSO5.x (ERDF Reg. Art 3; Interreg ISO6.x-ISO7.x count as ERDF), ESF+
    ESO4.x (ESF+ Reg. Art 4), JTF JSO8.x (JTF Reg. Art 2), EMFAF MSO1.x-MSO4.x (EMFAF Reg. Art
    14). A code of another fund's form is certainly wrong for the row's fund."""
    return {
        fund: sorted(
            f"{prefix}{major}.{minor}"
            for prefix, majors in forms
            for major in majors
            for minor in range(1, 20)
        )
        for fund, forms in _FORMS_BY_FUND.items()
    }


def funds_by_programme() -> dict[str, list[str]]:
    """The funds each French programme carries (Partnership Agreements: 2021-2027 Table 9B,
    2014-2020 §1.6); Interreg programmes are ERDF programmes."""
    return {
        cci: sorted(programme.funds)
        for cci, programme in load_programmes().items()
        if programme.funds
    }


def policy_objectives_by_specific_objective() -> dict[str, list[str]]:
    """The policy objective each specific objective belongs to: RSO2.x and PO2, ESO4.x and PO4
    (CPR Art 5(1); ERDF Reg. Art 3; ESF+ Reg. Art 4). JTF, EMFAF and Interreg objectives are
    not tied to one policy objective here."""
    every = [f"PO{n}" for n in range(1, 9)]
    out: dict[str, list[str]] = {}
    for fund_forms in _FORMS_BY_FUND.values():
        for prefix, majors in fund_forms:
            for major in majors:
                for minor in range(1, 20):
                    code = f"{prefix}{major}.{minor}"
                    out[code] = [f"PO{major}"] if prefix in ("RSO", "ESO") else every
    return out


ESF_TYPE_FIELDS = range(134, 164)  # Annex I Table 1, 134-163: ESF+-type measures
OUTERMOST_FIELDS = range(175, 179)  # Annex I Table 1, 175-178: outermost regions only


def _codes(numbers: range) -> list[str]:
    return [f"{n:03d}" for n in numbers]


def intervention_fields_forbidden_by_fund() -> dict[str, list[str]]:
    """Annex I codes that need a second look on a fund's row: the ESF+-type measures (134-163)
    on ERDF and CF rows; any code on an EMFAF row (Annex I does not cover the EMFAF). JTF rows
    may carry them: the JTF supports upskilling and job-search assistance (JTF Reg. Art 8(2))."""
    esf_type = _codes(ESF_TYPE_FIELDS)
    return {"ERDF": esf_type, "CF": esf_type, "EMFAF": ["*"]}


def intervention_fields_forbidden_by_programme() -> dict[str, list[str]]:
    """The outermost-region codes (175-178) in a regional programme of a region that is not
    outermost (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte and Saint-Martin are)."""
    regions, _ = load_regions()
    out: dict[str, list[str]] = {}
    for cci, programme in load_programmes().items():
        region = regions.get(programme.region or "")
        if region is not None and not region.outermost:
            out[cci] = _codes(OUTERMOST_FIELDS)
    return out


_RESOLVERS: dict[str, Callable[[], Any]] = {
    "countries": countries,
    "funds_2014_2020": funds_2014_2020,
    "funds_2021_2027": funds_2021_2027,
    "intervention_fields_2014_2020": intervention_fields_2014_2020,
    "intervention_fields_2021_2027": intervention_fields_2021_2027,
    "postcodes": postcodes,
    "programmes_2014_2020": programmes_2014_2020,
    "programmes_2021_2027": programmes_2021_2027,
    "specific_objectives_by_fund": specific_objectives_by_fund,
    "specific_objective_forms_by_fund": specific_objective_forms_by_fund,
    "funds_by_programme": funds_by_programme,
    "policy_objectives_by_specific_objective": policy_objectives_by_specific_objective,
    "intervention_fields_forbidden_by_fund": intervention_fields_forbidden_by_fund,
    "intervention_fields_forbidden_by_programme": intervention_fields_forbidden_by_programme,
}
REFERENCE_NAMES = frozenset(_RESOLVERS)


def resolve_reference(name: str) -> Any:
    """The code list a ``$reference`` placeholder names."""
    return _RESOLVERS[name]()


# --------------------------------------------------------------------------------------------
# Where a code lies: the INSEE region of a programme, a postcode, a département, a region code or
# a NUTS code (NUTS 2010, 2013 or 2016, level 1 to 3)


@cache
def _nuts_regions() -> dict[str, str]:
    regions: dict[str, str] = {}
    for row in read_rows("french_regions.csv"):
        code = row["insee_region_code"]
        if not code:
            continue
        for column in ("nuts1_2016", "nuts2_2016", "nuts2_2021", "nuts2_2013", "nuts2_2010"):
            value = row.get(column, "")
            if re.fullmatch(r"FR[0-9A-Z]{1,2}", value):
                regions[value] = code
    return regions


def _nuts_region(code: str) -> str | None:
    regions = _nuts_regions()
    text = code.strip().upper()
    for length in (4, 3):  # NUTS 3 (FRI12) -> its NUTS 2; then NUTS 1
        if text[:length] in regions and len(text) >= length:
            return regions[text[:length]]
    return None


def region_of(kind: str, code: Any) -> str | None:
    """The INSEE region a code lies in (None: unknown code, a national programme, or several
    codes, joined by "|", that lie in different regions).

    ``kind`` is ``cci`` (a regional programme's region), ``postcode``, ``departement``,
    ``region`` (an INSEE region code) or ``nuts``.
    """
    if not isinstance(code, str) or not code:
        return None
    if "|" in code:
        regions = {region_of(kind, part) for part in code.split("|")}
        return regions.pop() if len(regions) == 1 else None
    reference = load_reference()
    answers: dict[str, Callable[[str], str | None]] = {
        "cci": reference.region_of_programme,
        "postcode": reference.region_of_postcode,
        "departement": reference.region_of_departement,
        "region": reference.region_of_region_code,
        "nuts": _nuts_region,
    }
    if kind in answers:
        return answers[kind](code)
    raise ValueError(f"unknown location kind {kind!r}")


def in_programme_territory(cci: Any, kind: str, code: Any) -> bool:
    """Whether a location code lies in a programme's territory (its region and the regions of
    the interregional axes it carries); True when either side is unknown or multi-regional."""
    territory = programme_territory(cci) if isinstance(cci, str) else frozenset()
    region = region_of(kind, code)
    return not territory or region is None or region in territory


LOCATION_KINDS = ("cci", "postcode", "departement", "region", "nuts")


def region_label(kind: str, code: Any) -> str:
    """The name of the region a code lies in, for a message ("Bretagne"; "?" when unknown)."""
    return load_reference().region_name(region_of(kind, code)) or "?"
