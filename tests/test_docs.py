"""The README stays true: generated sections are current, every command is documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from fundcheck.catalogue import all_rules
from fundcheck.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _generator():
    spec = importlib.util.spec_from_file_location("gen_readme", ROOT / "scripts" / "gen_readme.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_sections_are_up_to_date():
    assert _generator().render(README) == README, "run: .venv/bin/python scripts/gen_readme.py"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented_and_has_help(command):
    assert f"`fundcheck {command}`" in README
    assert cli.commands[command].help


def test_every_rule_is_in_the_catalogue_with_its_legal_basis():
    for rule in all_rules():
        assert f"`{rule.id}`" in README
        assert rule.legal_basis


def test_quick_start_commands_exist():
    assert "bash scripts/demo.sh" in README and "bash scripts/test.sh" in README
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
