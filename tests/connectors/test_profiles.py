"""Mapping profiles: packaged YAML, header detection, user mappings."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundcheck.connectors import detect_profile, list_profiles, load_mapping
from fundcheck.connectors.mapping_profiles import header_key
from fundcheck.errors import ConfigError


def test_national_profile_has_the_23_published_headers():
    profile = next(p for p in list_profiles() if p.id == "fr_national_2021_2027")
    assert len(profile.columns) == 23
    assert profile.columns["Code postal de l’opération"] == "operation_postcode"
    assert profile.columns["Date de début de l'opération"] == "start_date"
    assert profile.period == "2021-2027"
    assert set(profile.required) == {
        "operation_id",
        "programme_cci",
        "operation_name",
        "beneficiary_name",
    }


def test_national_headers_are_detected_exactly(headers):
    match = detect_profile(headers)
    assert match.profile.id == "fr_national_2021_2027"
    assert match.recognised == 23 and match.score == 1.0
    assert match.variants == {}
    assert match.fields["NUMCCI"] == "programme_cci"
    assert match.positions["eu_amount"] == 21
    assert match.mappable
    assert "23 of 23 headers" in match.reason


def test_both_apostrophes_case_and_nbsp_are_tolerated(headers):
    swapped = [
        h.replace("’", "'") if "’" in h else h.replace("'", "’") for h in headers
    ]  # every apostrophe flipped
    swapped[1] = "numcci"
    swapped[5] = "Nom\u00a0du  bénéficiaire "
    match = detect_profile(swapped)
    assert match.profile.id == "fr_national_2021_2027"
    assert match.recognised == 23
    assert match.variants["Code postal de l'opération"] == "Code postal de l’opération"
    assert match.variants["Date de début de l’opération"] == "Date de début de l'opération"
    assert match.variants["numcci"] == "NUMCCI"
    assert match.fields["Nom\u00a0du  bénéficiaire "] == "beneficiary_name"


def test_accents_are_ignored_in_headers():
    """Exports that drop accents (or upper-case them away) still match the published headers."""
    assert header_key("Numéro Opération") == header_key("NUMERO OPERATION")
    assert header_key("Nume\u0301ro") == header_key("Numéro")
    assert header_key("Code postal de l’opération") == header_key("code postal de l'operation")


def test_national_file_with_renamed_headers_is_still_recognised(headers):
    renamed = headers[:]
    renamed[4] = "Résumé"
    renamed[18] = "OS"
    match = detect_profile(renamed[:-2])
    assert match.profile.id == "fr_national_2021_2027"
    assert match.mappable
    assert "operation_summary" not in match.positions
    assert "Résumé" in match.ignored


def test_synergie_2014_2020_headers_pick_their_own_profile():
    synergie = next(p for p in list_profiles() if p.id == "fr_synergie_2014_2020")
    match = detect_profile(list(synergie.columns))
    assert match.profile.id == "fr_synergie_2014_2020"


def test_missing_required_header_makes_the_match_unmappable(headers):
    without_id = headers[1:]
    match = detect_profile(without_id)
    assert not match.mappable
    assert match.missing_required == ("operation_id",)
    assert "operation_id" in match.reason


def test_user_mapping_replaces_detection(tmp_path: Path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "columns:\n  Dossier: operation_id\n  Titre: operation_name\n  Porteur: beneficiary_name\n"
        "required: [operation_id]\n",
        encoding="utf-8",
    )
    profile = load_mapping(mapping)
    assert profile.id == "user:map.yaml"
    assert profile.columns == {
        "Dossier": "operation_id",
        "Titre": "operation_name",
        "Porteur": "beneficiary_name",
    }


def test_user_mapping_can_extend_a_packaged_profile(tmp_path: Path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "extends: fr_national_2021_2027\ncolumns:\n  Identifiant: operation_id\n",
        encoding="utf-8",
    )
    profile = load_mapping(mapping)
    assert profile.columns["Identifiant"] == "operation_id"
    assert "Numéro Opération" not in profile.columns
    assert profile.columns["NUMCCI"] == "programme_cci"
    assert profile.period == "2021-2027"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns:\n  Dossier: operation_ident\n", "unknown canonical fields: operation_ident"),
        ("- a list\n", "'columns' entry"),
        ("columns: [\n", "cannot be read"),
        ("columns: {A: operation_id}\nrequired: [fund]\n", "required fields mapped by no column"),
    ],
)
def test_invalid_user_mapping_raises_config_error(tmp_path: Path, text: str, message: str):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_mapping(mapping)


def test_missing_mapping_file_raises_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_mapping(tmp_path / "absent.yaml")
