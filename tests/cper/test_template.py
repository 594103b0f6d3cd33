"""`fundcheck template cper`: the standard workbook, its drop-down lists and its schema doc."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from fundcheck.cli import cli
from fundcheck.connectors.cper_workbook import is_cper_workbook, read_cper_workbook
from fundcheck.cper_model import TABLES

ROOT = Path(__file__).resolve().parents[2]


def test_template_has_one_sheet_per_table_french_headers_and_lists(tmp_path):
    out = tmp_path / "modele.xlsx"
    result = CliRunner().invoke(cli, ["template", "cper", "--region", "52", "--output", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["LISEZMOI", *(spec.sheet for spec in TABLES)]
    for spec in TABLES:
        sheet = book[spec.sheet]
        assert [c.value for c in sheet[1]] == [f.label_fr for f in spec.fields]
        lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
        assert len(lists) == len(spec.choices)
    assert any("CONTRACTUALISE" in (dv.formula1 or "") for dv in
               book["Enveloppes"].data_validations.dataValidation)  # fmt: skip
    assert book["Contrats"]["D2"].value == "52"
    assert is_cper_workbook(out)
    data = read_cper_workbook(out)
    assert list(data.table("contrats")["region_code"]) == ["52"]
    assert data.table("operations").empty


def test_a_bad_region_code_is_an_execution_error(tmp_path):
    result = CliRunner().invoke(cli, ["template", "cper", "--region", "Bretagne"])
    assert result.exit_code == 3
    assert "--region" in result.output


def test_schema_doc_is_up_to_date():
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "gen_cper_schema.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "cper_schema.md").read_text(encoding="utf-8") == module.render()
