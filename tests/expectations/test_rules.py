"""Each rule of the 2021-2027 suite on one frame: one row per case, validated once through GX.

A failing case is a valid operation with one defect; a passing case is a valid operation at the
edge of a rule (exactly 100 %, end on the start day, a leading-zero postcode...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from fundcheck.expectations import SuiteFile, validate
from fundcheck.findings import FINDING_COLUMNS, display, iter_findings
from fundcheck.reference import load_reference

MANDATORY_BASES = {
    "operation_id": "CPR (EU) 2021/1060 Art 49(3) (unique code)",
    "programme_cci": "CPR (EU) 2021/1060 Art 49(3) (list per programme)",
    "beneficiary_name": "CPR (EU) 2021/1060 Art 49(3)(a)",
    "operation_name": "CPR (EU) 2021/1060 Art 49(3)(d)",
    "operation_summary": "CPR (EU) 2021/1060 Art 49(3)(e)",
    "start_date": "CPR (EU) 2021/1060 Art 49(3)(f)",
    "end_date": "CPR (EU) 2021/1060 Art 49(3)(g)",
    "total_eligible_cost": "CPR (EU) 2021/1060 Art 49(3)(h)",
    "fund": "CPR (EU) 2021/1060 Art 49(3)(i)",
    "specific_objective": "CPR (EU) 2021/1060 Art 49(3)(j)",
    "cofinancing_rate": "CPR (EU) 2021/1060 Art 49(3)(k)",
    "country": "CPR (EU) 2021/1060 Art 49(3)(l)",
    "intervention_field": "CPR (EU) 2021/1060 Art 49(3)(n)",
}
NO_LOCATION = dict.fromkeys(
    ("operation_postcode", "operation_department", "operation_region", "location_text")
)


@dataclass(frozen=True)
class Failing:
    name: str
    cells: dict[str, Any]
    rule: str
    severity: str
    field: str | None
    value: Any
    expected: str | None
    legal_basis: str
    also: frozenset[str] = field(default_factory=frozenset)  # other rules the defect breaks


FAILING = [
    *(
        Failing(
            f"{name} empty",
            {name: None},
            "eu21.art49.mandatory_field",
            "error",
            name,
            None,
            None,
            basis,
        )
        for name, basis in MANDATORY_BASES.items()
    ),
    Failing(
        "no location indicator",
        NO_LOCATION,
        "eu21.art49.location_indicator",
        "error",
        None,
        None,
        None,
        "CPR (EU) 2021/1060 Art 49(3)(l)",
    ),
    Failing(
        "malformed CCI (not also reported as unknown)",
        {"programme_cci": "2021FR16FFXX001"},
        "eu.cci.format",
        "error",
        "programme_cci",
        "2021FR16FFXX001",
        "YEAR CC DG FF TP SEQ (e.g. 2021FR16FFPR001)",
        'SFC2014/SFC2021 CCI convention (Commission SFC support portal, "What does the CCI code '
        'stand for?": YEAR CC DG FF TP SEQ)',
    ),
    Failing(
        "well-formed CCI of no programme (a gap in the sequence)",
        {"programme_cci": "2021FR16FFPR007"},
        "eu21.cci.known_programme",
        "error",
        "programme_cci",
        "2021FR16FFPR007",
        "French or Interreg 2021-2027 programme CCI",
        "Accord de partenariat France 2021-2027, tables 9B and 10",
    ),
    Failing(
        "fund not normalised",
        {"fund": "FEDER"},
        "eu21.fund.valid",
        "error",
        "fund",
        "FEDER",
        "CF | EMFAF | ERDF | ESF+ | JTF",
        "CPR (EU) 2021/1060 Art 49(3)(i)",
    ),
    Failing(
        "ERDF objective on an ESF+ operation",
        {"fund": "ESF+", "specific_objective": "RSO2.1"},
        "eu21.specific_objective.valid_for_fund",
        "error",
        "specific_objective",
        "RSO2.1",
        "ESF+",
        "CPR (EU) 2021/1060 Art 49(3)(j); Reg. (EU) 2021/1058 Art 3 (RSO, ERDF and CF); "
        "Reg. (EU) 2021/1057 Art 4 (ESO, ESF+); Reg. (EU) 2021/1056 Art 2 (JSO, JTF); "
        "Reg. (EU) 2021/1139 Art 14 (MSO, EMFAF)",
    ),
    Failing(
        "ESF+ objective on an ERDF operation",
        {"fund": "ERDF", "specific_objective": "ESO4.1"},
        "eu21.specific_objective.valid_for_fund",
        "error",
        "specific_objective",
        "ESO4.1",
        "ERDF",
        "CPR (EU) 2021/1060 Art 49(3)(j); Reg. (EU) 2021/1058 Art 3 (RSO, ERDF and CF); "
        "Reg. (EU) 2021/1057 Art 4 (ESO, ESF+); Reg. (EU) 2021/1056 Art 2 (JSO, JTF); "
        "Reg. (EU) 2021/1139 Art 14 (MSO, EMFAF)",
    ),
    Failing(
        "well-formed objective not in the reference",
        {"specific_objective": "RSO2.9"},
        "eu21.specific_objective.not_in_reference",
        "warning",
        "specific_objective",
        "RSO2.9",
        "ERDF",
        "CPR (EU) 2021/1060 Art 49(3)(j); Reg. (EU) 2021/1058 Art 3; Reg. (EU) 2021/1057 Art 4; "
        "Reg. (EU) 2021/1056 Art 2 as amended by Reg. (EU) 2024/795",
    ),
    Failing(
        "objective that is no code",
        {"specific_objective": "Objectif inconnu"},
        "eu21.specific_objective.not_decoded",
        "warning",
        "specific_objective",
        "Objectif inconnu",
        "a specific objective code (RSO2.1, ESO4.7, JSO8.1, ...)",
        "CPR (EU) 2021/1060 Art 49(3)(j)",
    ),
    Failing(
        "one of two intervention codes not in the Annex I reference",
        {"intervention_field": "044|195"},
        "eu21.intervention_field.valid",
        "warning",
        "intervention_field",
        "044|195",
        "Annex I, Table 1 code(s), joined by |",
        "CPR (EU) 2021/1060 Art 49(3)(n), Annex I Table 1 (as amended)",
    ),
    Failing(
        "intervention field that is no code",
        {"intervention_field": "Soutien divers"},
        "eu21.intervention_field.not_decoded",
        "warning",
        "intervention_field",
        "Soutien divers",
        "Annex I, Table 1 code(s)",
        "CPR (EU) 2021/1060 Art 49(3)(n), Art 73(2)(g), Annex I Table 1",
    ),
    Failing(
        "JTF on a programme without JTF",
        {"fund": "JTF", "specific_objective": "JSO8.1"},
        "eu21.programme.fund_not_in_programme",
        "error",
        "fund",
        "JTF",
        "2021FR16FFPR004",
        "CPR (EU) 2021/1060 Art 49(3)(i), Art 112(1); Accord de partenariat France 2021-2027, "
        "table 9B (funds of each programme)",
    ),
    Failing(
        "policy objective of another specific objective",
        {"policy_objective": "PO1"},
        "eu21.policy_objective.consistent_with_objective",
        "error",
        "policy_objective",
        "PO1",
        "RSO2.1",
        "CPR (EU) 2021/1060 Art 5(1); Reg. (EU) 2021/1058 Art 3(1); Reg. (EU) 2021/1057 Art 4(1) "
        "(each specific objective belongs to one policy objective)",
    ),
    Failing(
        "code and 'code et libellé' that disagree",
        {"specific_objective_label": "RSO2.4 Favoriser l'adaptation au changement climatique"},
        "eu21.specific_objective.label_mismatch",
        "error",
        "specific_objective",
        "RSO2.1",
        "RSO2.4 Favoriser l'adaptation au changement climatique",
        "CPR (EU) 2021/1060 Art 49(3)(j)",
    ),
    Failing(
        "ESF+-type intervention field on an ERDF row",
        {"intervention_field": "044|140"},
        "eu21.intervention_field.other_fund",
        "warning",
        "intervention_field",
        "044|140",
        "ERDF",
        "CPR (EU) 2021/1060 Art 73(2)(g), Annex I; Reg. (EU) 2021/1058 Art 3; "
        "Reg. (EU) 2021/1057 Art 4",
    ),
    Failing(
        "outermost-region intervention field in a mainland programme",
        {"intervention_field": "176"},
        "eu21.intervention_field.outermost_only",
        "warning",
        "intervention_field",
        "176",
        "2021FR16FFPR004",
        "CPR (EU) 2021/1060 Annex I Table 1 (codes 175-178); TFEU Art 349; "
        "Reg. (EU) 2021/1058 Art 11",
    ),
    Failing(
        "4-digit operation postcode (not also reported as unknown)",
        {"operation_postcode": "1000"},
        "fr.postcode.format",
        "error",
        "operation_postcode",
        "1000",
        "5 digits",
        "CPR (EU) 2021/1060 Art 49(3)(l)-(m); La Poste postcode format",
    ),
    Failing(
        "malformed beneficiary postcode",
        {"beneficiary_postcode": "34 000"},
        "fr.postcode.format",
        "error",
        "beneficiary_postcode",
        "34 000",
        "5 digits",
        "CPR (EU) 2021/1060 Art 49(3)(m); La Poste postcode format",
    ),
    Failing(
        "postcode of no département",
        {"operation_postcode": "99999"},
        "fr.postcode.exists",
        "warning",
        "operation_postcode",
        "99999",
        "a postcode of an existing département",
        "CPR (EU) 2021/1060 Art 49(3)(l)-(m); La Poste postcode format",
    ),
    Failing(
        "CEDEX postcode of a public body (info)",
        {"beneficiary_postcode": "45057"},
        "fr.postcode.special",
        "info",
        "beneficiary_postcode",
        "45057",
        "a La Poste distribution postcode",
        "CPR (EU) 2021/1060 Art 49(3)(m); La Poste postcode format",
    ),
    Failing(
        "INSEE commune code written as a postcode (info)",
        {"beneficiary_postcode": "59653"},
        "fr.postcode.insee_code",
        "info",
        "beneficiary_postcode",
        "59653",
        "a La Poste distribution postcode",
        "CPR (EU) 2021/1060 Art 49(3)(m); La Poste postcode format",
    ),
    Failing(
        "country name instead of code",
        {"country": "France"},
        "eu.country.valid",
        "error",
        "country",
        "France",
        "ISO 3166 alpha-2 code (member state or Interreg partner)",
        "CPR (EU) 2021/1060 Art 49(3)(l)",
    ),
    Failing(
        "end before start",
        {"start_date": "2022-03-01", "end_date": "2022-01-31"},
        "eu.dates.start_before_end",
        "error",
        "end_date",
        "2022-01-31",
        "≥ 2022-03-01",
        "CPR (EU) 2021/1060 Art 49(3)(f)-(g)",
    ),
    Failing(
        "start before the eligibility period",
        {"start_date": "2020-12-31"},
        "eu21.dates.eligibility_window",
        "warning",
        "start_date",
        "2020-12-31",
        "≥ 2021-01-01",
        "CPR (EU) 2021/1060 Art 63(2) (start of eligibility)",
    ),
    Failing(
        "end after the eligibility period",
        {"end_date": "2030-01-01"},
        "eu21.dates.eligibility_window",
        "warning",
        "end_date",
        "2030-01-01",
        "≤ 2029-12-31",
        "CPR (EU) 2021/1060 Art 63(2) (end of eligibility)",
    ),
    Failing(
        "rate given in percent",
        {"cofinancing_rate": 60.0, "eu_amount": None},
        "eu.rate.range",
        "error",
        "cofinancing_rate",
        60.0,
        "0 ≤ rate ≤ 1",
        "CPR (EU) 2021/1060 Art 49(3)(k)",
    ),
    Failing(
        "rate of zero (withdrawn support?)",
        {"cofinancing_rate": 0.0, "eu_amount": None},
        "eu.rate.zero",
        "warning",
        "cofinancing_rate",
        0.0,
        "0 < rate",
        "CPR (EU) 2021/1060 Art 49(3)(k); "
        "CPR (EU) No 1303/2013 Annex XII §1 (Union co-financing rate)",
    ),
    Failing(
        "negative eligible cost",
        {"total_eligible_cost": -5.0, "eu_amount": None},
        "eu.amount.non_negative",
        "error",
        "total_eligible_cost",
        -5.0,
        "≥ 0",
        "CPR (EU) 2021/1060 Art 49(3)(h)",
    ),
    Failing(
        "negative EU amount",
        {"eu_amount": -10.0},
        "eu.amount.non_negative",
        "error",
        "eu_amount",
        -10.0,
        "≥ 0",
        "CPR (EU) 2021/1060 Art 49(3)(k) (Union contribution: the co-financing rate applied to the "
        "cost)",
        also=frozenset({"eu.amount.consistent_with_rate"}),
    ),
    Failing(
        "EU amount above the eligible cost",
        {"cofinancing_rate": 1.0, "eu_amount": 100_000.5},
        "eu.amount.eu_not_above_eligible",
        "error",
        "eu_amount",
        100_000.5,
        "≤ 100000",
        "CPR (EU) 2021/1060 Art 49(3)(h),(k); Art 112",
    ),
    Failing(
        "EU amount 1 % off eligible cost x rate",
        {"eu_amount": 59_000.0},
        "eu.amount.consistent_with_rate",
        "warning",
        "eu_amount",
        59_000.0,
        "≈ 100000 × 0.6",
        "CPR (EU) 2021/1060 Art 49(3)(k)",
    ),
    Failing(
        "operation postcode in another region than the programme's",
        {"operation_postcode": "35000"},
        "fr.location.outside_programme_territory",
        "warning",
        "operation_postcode",
        "35000",
        "Occitanie, 2021FR16FFPR004",
        "CPR (EU) 2021/1060 Art 49(3)(l); programme area (RULES.md §7.4, §8.6)",
    ),
    Failing(
        "NUTS code of another region",
        {"nuts_code": "FRH0"},
        "fr.location.nuts_region_mismatch",
        "warning",
        "nuts_code",
        "FRH0",
        "Occitanie",
        "CPR (EU) 2021/1060 Art 49(3)(l); Reg. (EU) 2016/2066 (NUTS 2016), RULES.md §7.4",
    ),
    Failing(
        "SIREN failing its Luhn key",
        {"beneficiary_siren": "123456789"},
        "fr.siren.valid",
        "error",
        "beneficiary_siren",
        "123456789",
        "9 digits with a valid Luhn key",
        "INSEE SIRENE register (SIREN = 9 digits with a Luhn key, RULES.md §8.1)",
    ),
    Failing(
        "SIRET failing its key",
        {"beneficiary_siret": "55208131700019"},
        "fr.siret.valid",
        "error",
        "beneficiary_siret",
        "55208131700019",
        "14 digits with a valid key",
        "INSEE SIRENE register (SIRET = SIREN + NIC, Luhn key; La Poste exception, RULES.md §8.2)",
    ),
    Failing(
        "SIRET of another SIREN",
        {"beneficiary_siren": "552081317", "beneficiary_siret": "30326504500011"},
        "fr.siret.siren_mismatch",
        "error",
        "beneficiary_siren",
        "552081317",
        "SIRET 30326504500011",
        "INSEE SIRENE register (SIRET[:9] = SIREN, RULES.md §8.2)",
    ),
    Failing(
        "French VAT number with a wrong key",
        {"beneficiary_vat": "FR00552081317"},
        "fr.vat.valid",
        "error",
        "beneficiary_vat",
        "FR00552081317",
        "FR + 2-character key + SIREN",
        "French intra-community VAT number format (CGI; key = (12 + 3 × (SIREN mod 97)) mod 97, "
        "RULES.md §8.3)",
    ),
    Failing(
        "VAT number of another SIREN",
        {"beneficiary_siren": "303265045", "beneficiary_vat": "FR03552081317"},
        "fr.vat.siren_mismatch",
        "warning",
        "beneficiary_siren",
        "303265045",
        "VAT FR03552081317",
        "French intra-community VAT number format (RULES.md §8.3)",
    ),
    Failing(
        "RNA number of the wrong form",
        {"beneficiary_rna": "W12345"},
        "fr.rna.valid",
        "error",
        "beneficiary_rna",
        "W12345",
        "W + 9 digits",
        "Répertoire national des associations, RNA number W + 9 digits (RULES.md §8.4)",
    ),
    Failing(
        "RNA number of the old form",
        {"beneficiary_rna": "W1A2345678"},
        "fr.rna.old_form",
        "warning",
        "beneficiary_rna",
        "W1A2345678",
        "W + 9 digits",
        "Répertoire national des associations (old dossiers, RULES.md §8.4)",
    ),
    Failing(
        "operation id repeating an earlier row of the programme",
        {"operation_id": "OP-DUP"},  # the first OP-DUP is a passing case below
        "eu21.art49.unique_operation_id",
        "error",
        "operation_id",
        "OP-DUP",
        "unique within 2021FR16FFPR004",
        "CPR (EU) 2021/1060 Art 49(3) (unique code)",
    ),
]

PASSING = {
    "first occurrence of a repeated id": {"operation_id": "OP-DUP"},
    "same id in another programme": {
        "operation_id": "OP-DUP",
        "programme_cci": "2021FR05SFPR001",
        "fund": "ESF+",
        "specific_objective": "ESO4.1",
    },
    "rate of exactly 100 %": {"cofinancing_rate": 1.0, "eu_amount": 100_000.0},
    "EU amount within the 0.5 % tolerance": {"eu_amount": 60_499.0},
    "zero cost and zero EU amount": {"total_eligible_cost": 0.0, "eu_amount": 0.0},
    "end on the start day": {"start_date": "2023-05-02", "end_date": "2023-05-02"},
    "dates on the eligibility bounds": {"start_date": "2021-01-01", "end_date": "2029-12-31"},
    "two Annex I codes": {"intervention_field": "044|045"},
    "postcode with a leading zero": {
        "programme_cci": "2021FR16FFPR018",
        "operation_postcode": "01000",
        "beneficiary_postcode": "01000",
        "operation_department": "01",
        "operation_region": "84",
    },
    "valid identifiers that agree": {
        "beneficiary_siren": "552081317",
        "beneficiary_siret": "55208131700018",
        "beneficiary_vat": "FR03552081317",
        "beneficiary_rna": "W123456789",
    },
    "La Poste establishment SIRET (digit sum multiple of 5)": {
        "beneficiary_siret": "35600000049837"
    },
    "NUTS 3 code inside the region": {"nuts_code": "FRJ13"},
    "foreign postcode and foreign VAT number": {
        "country": "DK",
        "operation_postcode": "9220",
        "beneficiary_postcode": "9220",
        "beneficiary_vat": "DK13585628",
    },
    "foreign CCI: format only": {"programme_cci": "2021DK16RFPR001"},
    "national programme: no territory": {
        "programme_cci": "2021FR05SFPR001",
        "fund": "ESF+",
        "specific_objective": "ESO4.1",
        "operation_postcode": "35000",
    },
    "ESF+ objective on an ESF+ operation": {"fund": "ESF+", "specific_objective": "ESO4.1"},
    "labour-market infrastructure is an ERDF objective": {"specific_objective": "RSO4.1"},
    "JTF on the national JTF programme": {
        "programme_cci": "2021FR05JTPR001",
        "fund": "JTF",
        "specific_objective": "JSO8.1",
    },
    "policy objective of its specific objective": {"policy_objective": "PO2"},
    "code and 'code et libellé' that agree": {
        "specific_objective_label": "RSO2.1 Favoriser les mesures en matière d'efficacité"
    },
    "ESF+-type intervention field on an ESF+ row": {
        "fund": "ESF+",
        "specific_objective": "ESO4.1",
        "intervention_field": "140",
    },
    "outermost-region intervention field in an outermost programme": {
        "programme_cci": "2021FR16FFPR012",
        "intervention_field": "176",
        "operation_postcode": "97300",
        "beneficiary_postcode": "97300",
        "operation_department": "973",
        "operation_region": "03",
        "_region": "03",
    },
    "CEDEX-free distribution postcode": {"beneficiary_postcode": "31000"},
    "JTF objective on a JTF operation": {
        "programme_cci": "2021FR16FFPR006",
        "fund": "JTF",
        "specific_objective": "JSO8.1",
        "operation_postcode": "76000",
        "operation_department": "76",
        "operation_region": "28",
        "beneficiary_postcode": "76000",
        "_region": "28",
    },
    "Interreg programme with a partner country": {
        "programme_cci": "2021TC16RFCB006",
        "country": "AD",
    },
    "Greece as the EU writes it": {"country": "EL"},
    "only a location text": {**NO_LOCATION, "location_text": "Région Occitanie"},
    "optional cells empty": {"priority": None, "eu_amount": None, "beneficiary_postcode": None},
}


@pytest.fixture(scope="module")
def checked(
    suite: SuiteFile, make_operations: Callable[..., pd.DataFrame], labels: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, int]]:
    """All cases in one frame (passing ones first, so the first OP-DUP is earlier), checked once."""
    cells = [*PASSING.values(), *(case.cells for case in FAILING)]
    names = [*PASSING, *(case.name for case in FAILING)]
    rows = [{"operation_id": f"OP-{i}", **cell} for i, cell in enumerate(cells)]
    frame = make_operations(rows)
    findings = validate(
        frame,
        suite,
        reference=load_reference(),
        source="liste.xlsx",
        column_labels=labels,
    )
    return findings, {name: int(row) for name, row in zip(names, frame["_row"], strict=True)}


def _at(checked: tuple[pd.DataFrame, dict[str, int]], name: str) -> pd.DataFrame:
    findings, rows = checked
    return findings[findings["row"] == rows[name]]


@pytest.mark.parametrize("case", FAILING, ids=[case.name for case in FAILING])
def test_failing_case(
    checked: tuple[pd.DataFrame, dict[str, int]], case: Failing, labels: dict[str, str]
) -> None:
    found = _at(checked, case.name)
    assert set(found["rule"]) == {case.rule, *case.also}
    (record,) = found[found["rule"] == case.rule].to_dict(orient="records")
    finding = {k: None if isinstance(v, float) and pd.isna(v) else v for k, v in record.items()}
    assert finding["severity"] == case.severity
    assert finding["scope"] == "record"
    assert finding["source"] == "liste.xlsx"
    assert finding["field"] == case.field
    assert finding["value"] == case.value
    assert finding["expected"] == case.expected
    assert finding["legal_basis"] == case.legal_basis
    assert finding["region"] == "76"
    assert finding["operation_id"] == case.cells.get("operation_id", finding["operation_id"])
    assert finding["programme"] == case.cells.get("programme_cci", "2021FR16FFPR004")
    if case.field is not None:
        assert finding["column"] == labels.get(case.field, case.field)
    for message in (finding["message_fr"], finding["message_en"]):
        assert "{" not in message
        assert finding["column"] in message or display(finding["value"]) in message


@pytest.mark.parametrize("name", PASSING)
def test_passing_case(checked: tuple[pd.DataFrame, dict[str, int]], name: str) -> None:
    assert _at(checked, name)["rule"].tolist() == []


def test_every_expectation_rule_has_a_failing_case(suite: SuiteFile) -> None:
    assert {rule.id for rule in suite.rules} == {case.rule for case in FAILING}


def test_messages_in_both_languages(checked: tuple[pd.DataFrame, dict[str, int]]) -> None:
    empty = _at(checked, "beneficiary_name empty").iloc[0]
    assert empty["message_fr"] == "Le champ obligatoire « Nom du bénéficiaire » est vide."
    assert empty["message_en"] == "Mandatory field 'Nom du bénéficiaire' is empty."
    dates = _at(checked, "end before start").iloc[0]
    assert dates["column"] == "Date de fin"
    assert dates["message_fr"] == (
        "La date de fin (2022-01-31) précède la date de début (attendu : ≥ 2022-03-01)."
    )
    assert dates["message_en"] == (
        "End date (2022-01-31) is before the start date (expected ≥ 2022-03-01)."
    )
    rate = _at(checked, "rate given in percent").iloc[0]
    assert rate["message_fr"] == (
        "Le taux de cofinancement 60 est hors de l'intervalle attendu (0 ≤ rate ≤ 1)."
    )
    location = _at(checked, "no location indicator").iloc[0]
    assert location["column"] == (
        "Code postal de l'opération / operation_department / operation_region / location_text"
        " / nuts_code"
    )


def test_findings_table_is_a_findings_frame(checked: tuple[pd.DataFrame, dict[str, int]]) -> None:
    findings, _ = checked
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert str(findings["row"].dtype) == "Int64"
    assert findings["row"].is_monotonic_increasing
    assert len(list(iter_findings(findings))) == len(findings)  # every row is a valid Finding
