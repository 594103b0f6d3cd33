"""French beneficiary identifiers: SIREN, SIRET, VAT number and RNA number (no GX here).

The checksums come from python-stdnum (RULES.md §8): SIREN = 9 digits with a Luhn key; SIRET =
14 digits with a Luhn key, except La Poste establishments (SIREN 356000000) whose digits add up to
a multiple of 5; VAT = "FR" + 2-character key + SIREN; RNA = "W" + 9 digits (RULES.md §8.4), the
older form with a letter in third position being tolerated by a separate warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stdnum.fr import siren, siret, tva

RNA = re.compile(r"W\d{9}")
RNA_TOLERATED = re.compile(r"W\d[A-Z\d]\d{7}")


def _valid(check: Callable[[str], bool]) -> Callable[[object], bool]:
    def is_valid(value: object) -> bool:
        return isinstance(value, str) and check(value)

    return is_valid


def _vat(value: str) -> bool:
    return value[:2].upper() == "FR" and tva.is_valid(value)


VALIDATORS: dict[str, Callable[[object], bool]] = {
    "siren": _valid(siren.is_valid),
    "siret": _valid(siret.is_valid),
    "fr_vat": _valid(_vat),
    "rna": _valid(lambda value: RNA.fullmatch(value) is not None),
    "rna_tolerated": _valid(
        lambda value: RNA.fullmatch(value) is not None or RNA_TOLERATED.fullmatch(value) is not None
    ),
}
"""Identifier scheme -> whether a (compact, upper-case) value is valid."""


def embedded_siren(scheme: str, value: str) -> str | None:
    """The SIREN a SIRET (first 9 digits) or a French VAT number (last 9 digits) carries."""
    if scheme == "siret":
        return value[:9]
    if scheme == "fr_vat":
        return value[-9:]
    return None
