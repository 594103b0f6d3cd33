"""The checks registry, the catalogue entries and the parameters of every check."""

from __future__ import annotations

import datetime as dt

import pytest

from fundcheck.catalogue import all_rules
from fundcheck.checks import CHECKS, settings
from fundcheck.checks.base import as_of
from fundcheck.errors import ConfigError
from fundcheck.findings import findings_frame
from fundcheck.reference import load_reference

EXPECTED = {
    "eu.cofinancing.ceiling_aggregate", "eu.cofinancing.ceiling_operation",
    "eu.cofinancing.full_rate", "eu21.concentration.erdf_policy_objectives",
    "eu21.concentration.esf_social_inclusion", "eu21.concentration.esf_material_deprivation",
    "eu21.climate.erdf_contribution",
    "eu21.climate.unknown_coefficients", "eu.progress.overprogramming",
    "eu.progress.decommitment_risk", "eu.publication.freshness",
    "eu.publication.edition_date_unknown", "eu.duplicates.identical_row",
    "eu.duplicates.operation_id_reused", "eu.duplicates.split_operation",
    "eu.duplicates.double_funding", "eu.outliers.eligible_cost", "eu.outliers.zero_amount",
    "eu.outliers.long_duration", "eu.dates.selection_after_edition",
    "eu.dates.completed_before_selection", "eu.beneficiary.identity",
    "eu.beneficiary.several_regions",
    "eu.risk.concentration_indicators",
}  # fmt: skip


def test_every_check_is_registered_and_in_the_catalogue():
    assert set(CHECKS) == EXPECTED
    catalogue = {rule.id: rule for rule in all_rules()}
    for rule_id, check in CHECKS.items():
        rule = catalogue[rule_id]
        assert rule is check.rule and rule.origin == "check"
        assert rule.legal_basis and rule.title_fr and rule.title_en
        assert rule.message_fr and rule.message_en and rule.family


def test_no_check_is_an_error():
    """Aggregate rules have legal exceptions a list does not show (RULES.md §0.2)."""
    assert {check.rule.severity.value for check in CHECKS.values()} <= {"warning", "info"}


def test_parameter_names_are_unique_unless_shared_with_the_same_default():
    from fundcheck.parameters import _models

    defaults: dict[str, object] = {}
    for _, model in _models():
        for name, info in model.model_fields.items():
            assert defaults.setdefault(name, info.default) == info.default, name


def test_every_parameter_is_declared_with_a_description_and_bounds_for_numbers():
    from fundcheck.parameters import run_parameters_model

    for name, info in run_parameters_model().model_fields.items():
        assert info.description, name
        if isinstance(info.default, int | float) and name in {
            n for c in CHECKS.values() for n in c.parameters.model_fields
        }:
            assert info.metadata, f"{name} has no bounds"


def test_parameters_take_the_type_of_their_default():
    check = CHECKS["eu.outliers.eligible_cost"]
    values = settings(check, {"outlier_robust_z": "3.5", "outlier_min_group": 10.0, "other": 1})
    assert values == {"outlier_robust_z": 3.5, "outlier_min_group": 10}
    risk = CHECKS["eu.risk.concentration_indicators"]
    thresholds = settings(risk, {"arachne_threshold_amounts": [100000, 200000]})
    assert thresholds["arachne_threshold_amounts"] == (100000.0, 200000.0)
    with pytest.raises(ConfigError, match="arachne_threshold_amounts"):
        settings(risk, {"arachne_threshold_amounts": "100000, 200000"})
    with pytest.raises(ConfigError, match="outlier_robust_z"):
        settings(check, {"outlier_robust_z": "high"})


def test_as_of_is_the_parameter_or_today():
    assert as_of({"as_of": "2026-03-16"}) == dt.date(2026, 3, 16)
    assert as_of({"as_of": dt.datetime(2026, 3, 16, 12)}) == dt.date(2026, 3, 16)
    assert as_of({}) == dt.date.today()
    with pytest.raises(ConfigError, match="as_of"):
        as_of({"as_of": "16/03/2026"})


def test_every_check_returns_an_empty_findings_table_on_no_data(build):
    empty = build([])
    for check in CHECKS.values():
        found = check().run(empty, load_reference(), {})
        assert list(found.columns) == list(findings_frame().columns)


def test_list_parameters_take_numbers_or_texts_as_their_default_does():
    from fundcheck.parameters import check_parameters

    check_parameters({"arachne_threshold_amounts": [100_000, 250_000.5]})
    with pytest.raises(ConfigError, match="invalid value for parameter arachne_threshold_amounts"):
        check_parameters({"arachne_threshold_amounts": [100_000, -1]})
    with pytest.raises(ConfigError, match="invalid value for parameter arachne_threshold_amounts"):
        check_parameters({"arachne_threshold_amounts": ["cent mille"]})


def test_a_check_registered_twice_is_refused():
    from fundcheck.checks import register

    existing = CHECKS["eu.publication.freshness"]
    copy = type("Copy", (existing,), {})
    with pytest.raises(ValueError, match="registered twice"):
        register(copy)
    assert CHECKS["eu.publication.freshness"] is existing


def test_every_check_module_registers_without_a_hand_written_list():
    """Adding a check is adding a module: the package imports every module it holds."""
    import pkgutil

    import fundcheck.checks as package

    modules = {m.name for m in pkgutil.iter_modules(package.__path__)}
    registered = {cls.__module__.rsplit(".", 1)[-1] for cls in CHECKS.values()}
    assert registered <= modules and not hasattr(package, "MODULES")


def test_rules_json_lists_each_rules_parameters_with_defaults():
    import json

    from click.testing import CliRunner

    from fundcheck.cli import cli

    out = CliRunner().invoke(cli, ["rules", "--json"])
    rules = {r["id"]: r for r in json.loads(out.output)}
    assert rules["eu.amount.consistent_with_rate"]["parameters"] == {"rate_tolerance": 0.005}
    assert rules["eu.cofinancing.ceiling_aggregate"]["parameters"] == {"ceiling_tolerance": 1e-05}
    assert rules["read.unreadable_value"]["parameters"] == {}


def test_a_misspelt_parameter_names_the_closest_one_and_cper_parameters_are_known():
    from fundcheck.parameters import check_parameters

    with pytest.raises(ConfigError, match="did you mean 'rate_tolerance'"):
        check_parameters({"rate_tolerence": 0.5}, location="fundcheck.toml")
    check_parameters({"cper_theoretical_gap": 0.2, "as_of": "2026-03-16"})  # CPER-006's
    with pytest.raises(ConfigError, match="cper_theoretical_gap"):
        check_parameters({"cper_theoretical_gap": 2.0})
    with pytest.raises(ConfigError, match="eligibility_start"):
        check_parameters({"eligibility_start": "hier"})
