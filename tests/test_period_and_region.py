"""Lists that name programmes by label only, leave columns empty, or belong to a period fundcheck
does not cover: read as a controller expects, end to end through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from fundcheck.cli import cli

SYNERGIE_HEADERS = [
    "Numéro Opération", "NumCCI", "Libellé programme", "Intitulé du projet",
    "Résumé de l'opération", "Nom du bénéficiaire", "Code postal du bénéficiaire",
    "Date de début de l'opération", "Date de fin de l'opération", "Code postal de l’opération",
    "Zone", "Département de l’opération", "Région de l'opération", "Pays",
    "Domaine d’intervention", "Date de programmation", "Fonds",
    "Total des dépenses éligibles programmées", "Montant UE programmé",
]  # fmt: skip


def _synergie(path: Path, rows: list[dict[str, object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Liste opérations synergie 14 20"
    sheet.append(SYNERGIE_HEADERS)
    for values in rows:
        sheet.append([values.get(header) for header in SYNERGIE_HEADERS])
    book.save(path)
    return path


def _row(number: int, **cells: object) -> dict[str, object]:
    base: dict[str, object] = {
        "Numéro Opération": f"BO{number:07d}",
        "Intitulé du projet": f"Projet {number}",
        "Résumé de l'opération": "Construction d'un équipement",
        "Nom du bénéficiaire": "COMMUNE DE DIJON",
        "Code postal du bénéficiaire": "21000",
        "Date de début de l'opération": "01/03/2016",
        "Date de fin de l'opération": "31/12/2018",
        "Pays": "France",
        "Date de programmation": "15/06/2016",
        "Fonds": "FEDER",
        "Total des dépenses éligibles programmées": 100000,
        "Montant UE programmé": 50000,
    }
    return {**base, **cells}


def _report(path: Path, tmp_path: Path, *options: str) -> dict:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["validate", str(path), "--quiet", "--output", str(out), "--report", "json", *options]
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_programmes_named_by_label_only_give_the_period_and_the_region(tmp_path: Path) -> None:
    path = _synergie(
        tmp_path / "synergie.xlsx",
        [
            _row(1, **{"Libellé programme": "PO FEDER-FSE Bourgogne 2014-2020"}),
            _row(2, NumCCI="PO FEDER Alsace", **{"Code postal du bénéficiaire": "67000"}),
            _row(3, **{"Libellé programme": "PO FEDER-FSE Bourgogne 2014-2020"}),
        ],
    )
    report = _report(path, tmp_path, "--no-checks")
    findings = report["findings"]
    rules = {f["rule"] for f in findings}
    assert "eu.cci.format" not in rules  # the label in the CCI column is decoded, not rejected
    assert "read.normalised.programme_from_label" in rules
    assert report["sources"][0]["period"] == "2014-2020"
    # the category-of-intervention column is empty on every row: one finding, not three
    empty = [f for f in findings if f["field"] == "intervention_field" and f["severity"] == "error"]
    assert [(f["scope"], f["count"]) for f in empty] == [("dataset", 3)]
    # no rate column in this format: one finding for the file
    rate = [f for f in findings if f["field"] == "cofinancing_rate" and f["severity"] == "error"]
    assert [f["scope"] for f in rate] == ["dataset"]
    for finding in findings:
        if finding["scope"] == "record":
            assert finding["region"] in {"27", "44"}
            assert finding["region_basis"] in {"programme", "programme_label"}


def test_a_2007_2013_list_is_recognised_and_not_validated(tmp_path: Path) -> None:
    path = _synergie(
        tmp_path / "liste_2007_2013.xlsx",
        [
            _row(i, NumCCI="2007FR162PO004", **{"Date de début de l'opération": "01/03/2009"})
            for i in range(1, 5)
        ],
    )
    report = _report(path, tmp_path)
    findings = report["findings"]
    assert [f["count"] for f in findings if f["rule"] == "read.period_not_covered"] == [4]
    assert not [f for f in findings if f["rule"].startswith(("eu14.", "eu21.", "fr."))]
    assert report["summary"]["findings"]["error"] == 0


def test_a_period_less_list_gets_no_period_rules_and_names_the_option(tmp_path: Path) -> None:
    path = tmp_path / "sans_periode.csv"
    path.write_text(
        "Beneficiary name;Operation name;Total eligible expenditure\n"
        "Commune de Brest;Rénovation;1000\n"
        "Commune de Quimper;Voirie;2000\n",
        encoding="utf-8",
    )
    report = _report(path, tmp_path)
    undecided = [f for f in report["findings"] if f["rule"] == "read.period_undecided"]
    assert len(undecided) == 1 and "--period" in undecided[0]["message_en"]
    assert not [f for f in report["findings"] if f["rule"].startswith(("eu14.", "eu21."))]
    given = _report(path, tmp_path, "--period", "2021-2027")
    assert any(f["rule"].startswith("eu21.") for f in given["findings"])
