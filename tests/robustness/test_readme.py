"""The README lists every exit code (signals included) and every input limit with its default."""

from __future__ import annotations

from pathlib import Path

from fundcheck.cli import ExitCode
from fundcheck.connectors.limits import InputLimits

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_exit_code_is_documented() -> None:
    for code in ExitCode:
        assert f"\n| {int(code)} |" in README, code


def test_every_input_limit_is_documented_with_its_default() -> None:
    for name, spec in InputLimits.model_fields.items():
        default = spec.default
        shown = f"{default:g}" if isinstance(default, float) else str(default)
        assert f"| `{name}` | {shown}" in README, name
