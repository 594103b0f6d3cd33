"""Shared builders for connector tests: the national 2021-2027 headers and a typical row."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

NATIONAL_HEADERS = [
    "Numéro Opération",
    "NUMCCI",
    "Libellé Programme",
    "Intitulé du projet",
    "Objectifs et réalisations escomptés et effectifs",
    "Nom du bénéficiaire",
    "Code postal du bénéficiaire",
    "Date de début de l'opération",
    "Date de fin de l'opération",
    "Code postal de l’opération",
    "Zone",
    "Département de l’opération",
    "Région de l'opération",
    "Pays",
    "Type d'intervention",
    "Fonds",
    "Objectif spécifique",
    "Objectif spécifique (Code et libellé)",
    "Objectif stratégique",
    "Total des dépenses éligibles",
    "Taux de cofinancement",
    "Montant UE",
    "Date première convention",
]


def _national_row(**values: str) -> list[str]:
    """A valid national row; keyword arguments override cells by published header."""
    row = {
        "Numéro Opération": "CE0001",
        "NUMCCI": "2021FR16FFPR004",
        "Libellé Programme": "PR FEDER-FSE+ Centre-Val de Loire",
        "Intitulé du projet": "Rénovation de l'école",
        "Objectifs et réalisations escomptés et effectifs": "Isoler le bâtiment",
        "Nom du bénéficiaire": "Commune de Bourges",
        "Code postal du bénéficiaire": "18000",
        "Date de début de l'opération": "01/03/2023",
        "Date de fin de l'opération": "31/12/2025",
        "Code postal de l’opération": "18000",
        "Zone": "Bourges",
        "Département de l’opération": "18",
        "Région de l'opération": "24/Centre-Val de Loire",
        "Pays": "France",
        "Type d'intervention": "045 - Rénovation énergétique",
        "Fonds": "FEDER",
        "Objectif spécifique": "RSO2.1",
        "Objectif spécifique (Code et libellé)": "RSO2.1 - Efficacité énergétique",
        "Objectif stratégique": "PO2",
        "Total des dépenses éligibles": "100000",
        "Taux de cofinancement": "0.4",
        "Montant UE": "40000",
        "Date première convention": "15/02/2023",
    }
    row.update(values)
    return [row[h] for h in NATIONAL_HEADERS]


WriteCsv = Callable[..., Path]


@pytest.fixture
def headers() -> list[str]:
    """The 23 headers of the national 2021-2027 publication."""
    return list(NATIONAL_HEADERS)


@pytest.fixture
def row() -> Callable[..., list[str]]:
    """Build a valid national row; keyword arguments (published header -> text) override cells."""
    return lambda values=None: _national_row(**(values or {}))


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write rows as a delimited file: ``write_csv(rows, name=, encoding=, delimiter=)``."""

    def write(
        rows: Sequence[Sequence[str]],
        *,
        name: str = "liste.csv",
        encoding: str = "utf-8",
        delimiter: str = ";",
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        return path

    return write
