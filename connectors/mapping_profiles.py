"""Mapping profiles: which published header means which canonical field, and how to recognise them.

A profile is data (``connectors/profiles/<id>.yaml``): an id, a description, a period hint, the
exact published headers with their canonical field (``null`` for a column that helps recognise
the format but is not read), and the canonical fields without which the file is unmappable.
Adding a format means adding a YAML file; no code changes.

Headers match loosely: Unicode NFC, case, repeated or odd spacing (NBSP, line breaks) and the two
apostrophes ``'`` and ``’`` are ignored; accents are kept. A loose match is reported as a
``header_variant`` normalisation by the reader.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from fundcheck.errors import ConfigError
from fundcheck.model import FIELDS

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def header_key(text: str) -> str:
    """The form under which two headers are considered the same column."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    return " ".join(text.split()).casefold()


class MappingProfile(BaseModel):
    """A known source format: its published headers and the canonical field each one feeds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    description: str = ""
    period: str | None = None
    source: str | None = None
    required: tuple[str, ...] = ()
    columns: dict[str, str | None]

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, columns: dict[str, str | None]) -> dict[str, str | None]:
        unknown = sorted({f for f in columns.values() if f is not None and f not in FIELDS})
        if unknown:
            raise ValueError(f"unknown canonical fields: {', '.join(unknown)}")
        return columns

    @model_validator(mode="after")
    def _required_are_mapped(self) -> MappingProfile:
        mapped = set(self.columns.values())
        missing = [f for f in self.required if f not in mapped]
        if missing:
            raise ValueError(f"required fields mapped by no column: {', '.join(missing)}")
        return self

    def keys(self) -> dict[str, tuple[str, str | None]]:
        """Header key -> (exact published header, canonical field); the first header wins."""
        out: dict[str, tuple[str, str | None]] = {}
        for header, target in self.columns.items():
            out.setdefault(header_key(header), (header, target))
        return out


@dataclass(frozen=True)
class ProfileMatch:
    """How a header row matches a profile: which source column feeds which field, and why."""

    profile: MappingProfile
    positions: dict[str, int]
    """canonical field -> position of the source column that feeds it"""
    fields: dict[str, str]
    """source header -> canonical field"""
    variants: dict[str, str] = field(default_factory=dict)
    """source header -> the published header it matched loosely"""
    recognised: int = 0
    """how many of the profile's published headers were found"""
    missing_required: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    """source headers that feed no canonical field"""

    @property
    def score(self) -> float:
        """Share of the profile's published headers found in the source."""
        return self.recognised / max(1, len(self.profile.keys()))

    @property
    def mappable(self) -> bool:
        return bool(self.positions) and not self.missing_required

    @property
    def reason(self) -> str:
        text = (
            f"{self.recognised} of {len(self.profile.keys())} headers of profile "
            f"{self.profile.id!r} found"
        )
        if self.variants:
            text += f", {len(self.variants)} with a spelling variant"
        if self.missing_required:
            text += f"; required fields not found: {', '.join(self.missing_required)}"
        return text

    def rank(self) -> tuple[bool, float, int]:
        return (self.mappable, self.score, self.recognised)


def match_profile(headers: Sequence[str], profile: MappingProfile) -> ProfileMatch:
    """Match a header row against one profile."""
    keys = profile.keys()
    positions: dict[str, int] = {}
    fields: dict[str, str] = {}
    variants: dict[str, str] = {}
    found: set[str] = set()
    ignored: list[str] = []
    for position, header in enumerate(headers):
        key = header_key(header)
        hit = keys.get(key) if key else None
        if hit is None or key in found:
            if header.strip():
                ignored.append(header)
            continue
        found.add(key)
        published, target = hit
        if header != published:
            variants[header] = published
        if target is None or target in positions:
            ignored.append(header)
            continue
        positions[target] = position
        fields[header] = target
    missing = tuple(f for f in profile.required if f not in positions)
    return ProfileMatch(
        profile=profile,
        positions=positions,
        fields=fields,
        variants=variants,
        recognised=len(found),
        missing_required=missing,
        ignored=tuple(ignored),
    )


def best_match(headers: Sequence[str], profiles: Iterable[MappingProfile]) -> ProfileMatch:
    """The profile that fits a header row best: mappable first, then by share of headers found."""
    matches = [match_profile(headers, profile) for profile in profiles]
    if not matches:
        raise ConfigError("no mapping profile is available")
    return max(matches, key=ProfileMatch.rank)


def detect_profile(headers: Sequence[str]) -> ProfileMatch:
    """Which packaged profile fits a header row best, which header feeds which field, and why."""
    return best_match(headers, list_profiles())


# --------------------------------------------------------------------------------------------
# Loading


def _parse_profile(data: Any, *, origin: str) -> MappingProfile:
    if not isinstance(data, Mapping):
        raise ConfigError(
            "a mapping file must be a YAML mapping with a 'columns' entry", location=origin
        )
    try:
        return MappingProfile.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid mapping: {problems}", location=origin) from None


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("mapping file not found", location=str(path)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"mapping file cannot be read: {exc}", location=str(path)) from None


@cache
def list_profiles() -> list[MappingProfile]:
    """The packaged profiles, sorted by id."""
    folder = resources.files(__package__).joinpath("profiles")
    profiles = [
        _parse_profile(yaml.safe_load(entry.read_text(encoding="utf-8")), origin=entry.name)
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    ]
    return sorted(profiles, key=lambda p: p.id)


def get_profile(profile_id: str) -> MappingProfile:
    for profile in list_profiles():
        if profile.id == profile_id:
            return profile
    known = ", ".join(p.id for p in list_profiles())
    raise ConfigError(f"unknown mapping profile {profile_id!r} (known: {known})")


def load_mapping(path: Path) -> MappingProfile:
    """A user mapping file: ``columns: {"source header": canonical_field}``.

    Optional keys: ``id``, ``required`` (fields the file must provide) and ``extends`` (a packaged
    profile id whose columns are kept under the user's). Without ``extends`` the user's columns
    alone define the mapping.
    """
    data = _read_yaml(path)
    if not isinstance(data, Mapping) or not isinstance(data.get("columns"), Mapping):
        raise ConfigError(
            "a mapping file must be a YAML mapping with a 'columns' entry", location=str(path)
        )
    entries = dict(data)
    base_id = entries.pop("extends", None)
    entries.setdefault("id", f"user:{path.name}")
    columns = {str(k): (None if v is None else str(v)) for k, v in entries["columns"].items()}
    if base_id is not None:
        base = get_profile(str(base_id))
        user_fields = set(columns.values())
        inherited = {h: f for h, f in base.columns.items() if f not in user_fields}
        columns = {**columns, **{h: f for h, f in inherited.items() if h not in columns}}
        entries.setdefault("required", list(base.required))
        entries.setdefault("period", base.period)
    entries["columns"] = columns
    return _parse_profile(entries, origin=str(path))
