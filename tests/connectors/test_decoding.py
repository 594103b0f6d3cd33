"""Decoders of published code variants: each unambiguous variant becomes the reference code (and
is reported as info), an ambiguous or unknown one is kept for the rules to report."""

from __future__ import annotations

import pandas as pd
import pytest

from fundcheck.connectors import codes
from fundcheck.connectors.decoding import decode_in_context
from fundcheck.reference import load_reference
from fundcheck.reference.lookups import (
    postcode_class,
    programme_territory,
    programmes_for_label,
    region_of_location_text,
)


@pytest.mark.parametrize(
    ("text", "code", "kind"),
    [
        ("RSO2.1", "RSO2.1", None),
        ("RSO2.01", "RSO2.1", "specific_objective_code_extracted"),  # zero padding
        ("rso 2.7", "RSO2.7", "specific_objective_code_extracted"),
        ("PR01.1-RUP-RSO1.3R", "RSO1.3", "specific_objective_code_extracted"),  # own prefix
        ("RSO1.3-RUP Renforcer la croissance", "RSO1.3", "specific_objective_code_extracted"),
        ("ESO4.7 Promouvoir l'apprentissage", "ESO4.7", "specific_objective_code_extracted"),
        ("2.7", "2.7", None),  # a bare number: completed from the fund, in context
        ("OS 2.07", "2.7", None),
        ("RSO1.1 et RSO1.2", "RSO1.1 et RSO1.2", None),  # two codes: not decoded
        ("Objectif inconnu", "Objectif inconnu", None),
    ],
)
def test_specific_objective_variants(text: str, code: str, kind: str | None) -> None:
    assert codes.specific_objective(text) == (code, kind)


def test_specific_objective_by_its_label_alone() -> None:
    label = "Améliorer la protection et la préservation de la nature et de la biodiversité"
    assert codes.specific_objective(label)[0] == "RSO2.7"


@pytest.mark.parametrize(
    ("text", "code", "kind"),
    [
        ("044", "044", None),
        ("44", "044", "intervention_code_extracted"),
        ("044 - Rénovation", "044", "intervention_code_extracted"),
        ("CI01_103 - Soutien", "103", "intervention_code_tagged"),  # nomenclature tag
        ("Rénovation énergétique (044)", "044", "intervention_code_extracted"),  # code last
        ("044 - a | 045 - b", "044|045", "intervention_code_extracted"),
        ("Texte sans code", "Texte sans code", None),
    ],
)
def test_intervention_field_variants(text: str, code: str, kind: str | None) -> None:
    assert codes.intervention_field(text) == (code, kind)


def test_intervention_field_by_its_label_alone() -> None:
    label = (
        "Protection de la nature et de la biodiversité, patrimoine naturel et ressources "
        "naturelles, infrastructures vertes et bleues"
    )
    assert codes.intervention_field(label) == ("079", "intervention_code_from_label")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("058/Nièvre", "58"),  # INSEE 3-digit form
        ("DEPT/021/Côte-d'Or", "21"),
        ("Mayotte", "976"),
        ("974", "974"),
        ("2a", "2A"),
        ("054/Meurthe-et-Moselle | 057/Moselle", "54|57"),
        ("Atlantide", "Atlantide"),
    ],
)
def test_departement_variants(text: str, code: str) -> None:
    assert codes.departement(text)[0] == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (" | 28/Normandie", "28"),
        ("26/Bourgogne | 43/Franche-Comté", "27"),  # two former regions, one current
        ("21/Champagne-Ardenne | 42/Alsace | 41/Lorraine", "44"),
        ("Mayotte", "06"),
        ("24/Centre-Val de Loire | 11/Île-de-France", "24|11"),  # two current regions
        ("Midi-Pyrénées", "76"),
    ],
)
def test_region_variants(text: str, code: str) -> None:
    assert codes.region(text)[0] == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("4. Europe plus sociale", "PO4"), ("OP 1", "PO1"), ("PO5", "PO5")],
)
def test_policy_objective_variants(text: str, code: str) -> None:
    assert codes.policy_objective(text)[0] == code


def test_context_completes_bare_objectives_from_the_fund_and_takes_the_sibling_column() -> None:
    frame = pd.DataFrame(
        {
            "fund": ["ERDF", "ESF+", "JTF", "ERDF", None],
            "specific_objective": ["2.7", "4.1", "8.1", None, "2.7"],
            "specific_objective_label": [None, None, None, "RSO2.1 Favoriser l'efficacité", None],
        },
        dtype="string",
    )
    notes = decode_in_context(frame, {"specific_objective": "Objectif spécifique"})
    assert frame["specific_objective"].tolist() == ["RSO2.7", "ESO4.1", "JSO8.1", "RSO2.1", "2.7"]
    kinds = {note.kind: note.count for note in notes}
    assert kinds == {"specific_objective_from_sibling": 1, "specific_objective_bare_number": 3}


def test_context_finds_the_programme_from_its_label_and_the_country_from_the_location() -> None:
    frame = pd.DataFrame(
        {
            "programme_cci": [None, "PO FEDER Alsace", "2021FR16FFPR016", None],
            "programme_title": ["PO FEDER-FSE Bourgogne", None, None, "PO FSE Guyane"],
            "country": [None, "FR", None, None],
            "operation_region": ["27", None, "53", None],
        },
        dtype="string",
    )
    notes = decode_in_context(frame, {})
    # "PO FSE Guyane" names two programmes (the State's and the Region's): the CCI stays empty
    assert frame["programme_cci"].tolist() == [
        "2014FR16M0OP014",
        "2014FR16RFOP006",
        "2021FR16FFPR016",
        pd.NA,
    ]
    assert frame["country"].tolist() == ["FR", "FR", "FR", pd.NA]
    assert {note.kind for note in notes} == {"programme_from_label", "country_from_location"}


def test_programme_labels_long_and_abbreviated() -> None:
    assert programmes_for_label("PO FEDER-FSE Midi-Pyrénées et Garonne 2014-2020") == (
        "2014FR16M0OP007",
    )
    assert programmes_for_label("Bretagne", "2021-2027") == ("2021FR16FFPR016",)
    assert programmes_for_label("PO FEDER Alsace") == ("2014FR16RFOP006",)  # not the ESF one
    assert len(programmes_for_label("PO Guyane", "2014-2020")) == 2
    both_in_guyane = load_reference().region_of_label("PO Guyane", "2014-2020")
    assert both_in_guyane == "03"
    assert programmes_for_label("Programme FEDER") == ()


def test_location_text_and_programme_territory() -> None:
    assert region_of_location_text("REG/28/Normandie | COMM/76540/ROUEN | PAYS/France") == "28"
    assert region_of_location_text("REG/26/Bourgogne | REG/43/Franche-Comté") == "27"
    assert region_of_location_text("DEPT/058/Nièvre") == "27"
    assert region_of_location_text("REG/24/Centre | REG/11/IDF") is None
    # the Auvergne-Rhône-Alpes programme carries the Massif central axis: Nièvre is inside
    assert "27" in programme_territory("2021FR16FFPR018")
    assert programme_territory("2021FR16FFPR016") == frozenset({"53"})
    assert programme_territory("2021FR05SFPR001") == frozenset()


@pytest.mark.parametrize(
    ("postcode", "kind"),
    [
        ("35000", "distribution"),
        ("45057", "special"),  # Orléans CEDEX
        ("59653", "insee_commune"),  # an INSEE commune code, not a distribution code
        ("96100", "unknown_departement"),
        ("20090", "distribution"),  # Corsica
    ],
)
def test_postcode_classes(postcode: str, kind: str) -> None:
    assert postcode_class(postcode) == kind
