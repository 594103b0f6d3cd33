"""Mapping profiles: which published header means which canonical field, and how to recognise them.

A profile is data (``connectors/profiles/<id>.yaml``): an id, a description, a period hint, the
exact published headers with their canonical field (``null`` for a column that helps recognise
the format but is not read), and the canonical fields without which the file is unmappable.
Adding a format means adding a YAML file; no code changes.

Headers match loosely: Unicode NFC, case, repeated or odd spacing (NBSP, line breaks) and the two
apostrophes ``'`` and ``’`` are ignored; accents are kept. A loose match is reported as a
``header_variant`` normalisation by the reader.

A profile with ``matching: synonyms`` (``annex_xii_synonyms``) lists the words publishers use for
each field, in several languages: a header matches when its *slug* (lower case, no accents, words
joined by ``_``, as in the eu1420 header inventory) or the slug of one of its parts (bilingual
headers "Nom du bénéficiaire - Beneficiary name", "ΟΝΟΜΑΣΙΑ ΔΙΚΑΙΟΥΧΟΥ / BENEFICIARY NAME") is one
of its synonyms. It is the fallback when no exact profile can map a file. ``values`` maps a
publisher's own codes to canonical ones (e.g. a Danish fund column holding ``R`` for ERDF).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from fundcheck.connectors.plain_yaml import load_plain_yaml
from fundcheck.errors import ConfigError
from fundcheck.model import FIELDS, Period

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


@lru_cache(maxsize=1 << 16)  # a header row is matched against every profile, row after row
def header_key(text: str) -> str:
    """The form under which two headers are considered the same column: case, spacing,
    apostrophes (' and ’) and accents do not matter ("NUMERO OPERATION" is "Numéro Opération")."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.split()).casefold()


_PARTS = re.compile(r"\s*/\s*|\s+[-–—]\s+|\s*\n\s*|__|[()\[\]:|;]")
STRONG_MATCH = 0.5
"""Share of a known format's headers from which a file is taken for that format."""
SLUG_TRUNCATION = 60
"""A synonym slug this long may be a truncated name (the eu1420 inventory cut names at 63)."""


@lru_cache(maxsize=1 << 16)
def header_slug(text: str) -> str:
    """Lower case ASCII words joined by ``_`` (accents dropped, apostrophes removed, other
    scripts dropped): "Date de début de l'opération" -> "date_de_debut_de_loperation"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).replace("'", ""))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")


def header_slugs(text: str) -> list[str]:
    """The slug of a header, then the slugs of its parts (bilingual headers), without repeats."""
    return list(_header_slugs(text))


@lru_cache(maxsize=1 << 16)  # a header row is matched against every profile, row after row
def _header_slugs(text: str) -> tuple[str, ...]:
    slugs = [header_slug(text)] + [header_slug(part) for part in _PARTS.split(text)]
    return tuple(
        slug for position, slug in enumerate(slugs) if slug and slug not in slugs[:position]
    )


class MappingProfile(BaseModel):
    """A known source format: its published headers and the canonical field each one feeds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    description: str = ""
    period: str | None = None
    source: str | None = None
    required: tuple[str, ...] = ()
    matching: Literal["exact", "synonyms"] = "exact"
    columns: dict[str, str | None]
    values: dict[str, dict[str, str]] = {}
    """canonical field -> {published value: canonical value}, applied after parsing"""

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, columns: dict[str, str | None]) -> dict[str, str | None]:
        unknown = sorted({f for f in columns.values() if f is not None and f not in FIELDS})
        if unknown:
            raise ValueError(f"unknown canonical fields: {', '.join(unknown)}")
        return columns

    @field_validator("period")
    @classmethod
    def _known_period(cls, period: str | None) -> str | None:
        known = [p.value for p in Period]
        if period is not None and period not in known:
            raise ValueError(f"unknown period {period!r} (known: {', '.join(known)})")
        return period

    @model_validator(mode="after")
    def _required_are_mapped(self) -> MappingProfile:
        mapped = set(self.columns.values())
        missing = [f for f in self.required if f not in mapped]
        if missing:
            raise ValueError(f"required fields mapped by no column: {', '.join(missing)}")
        return self

    @field_validator("values")
    @classmethod
    def _known_value_fields(cls, values: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        unknown = sorted(f for f in values if f not in FIELDS)
        if unknown:
            raise ValueError(f"values: unknown canonical fields: {', '.join(unknown)}")
        return values

    def keys(self) -> dict[str, tuple[str, str | None]]:
        """Header key -> (exact published header, canonical field); the first header wins."""
        return self._keys

    def slugs(self) -> dict[str, tuple[str, str | None]]:
        """Synonym slug -> (synonym as listed, canonical field); the first synonym wins."""
        return self._slugs

    @cached_property
    def _keys(self) -> dict[str, tuple[str, str | None]]:
        out: dict[str, tuple[str, str | None]] = {}
        for header, target in self.columns.items():
            out.setdefault(header_key(header), (header, target))
        return out

    @cached_property
    def long_slugs(self) -> list[str]:
        """Slugs long enough to be the truncated form of a longer name."""
        return [slug for slug in self._slugs if len(slug) >= SLUG_TRUNCATION]

    @cached_property
    def _slugs(self) -> dict[str, tuple[str, str | None]]:
        out: dict[str, tuple[str, str | None]] = {}
        for header, target in self.columns.items():
            slug = header_slug(header)
            if slug:
                out.setdefault(slug, (header, target))
        return out


def _synonym_hit(
    header: str, profile: MappingProfile
) -> tuple[str, tuple[str, str | None], str] | None:
    """(matched slug, (synonym, field), how) for a header of a synonyms profile, or None."""
    slugs = profile.slugs()
    for position, slug in enumerate(_header_slugs(header)):
        hit = slugs.get(slug)
        if hit is None:
            hit = next((slugs[k] for k in profile.long_slugs if slug.startswith(k)), None)
        if hit is not None:
            how = f"synonym {hit[0]!r}" + (f" (part {slug!r} of the header)" if position else "")
            return slug, hit, how
    whole = header_slug(header)
    start = whole.find("_")
    while start >= 0:  # a snake-cased bilingual name: "nazwa_beneficjenta_beneficiary_name"
        ending = whole[start + 1 :]  # the longest known ending of several words wins
        if "_" in ending and ending in slugs:
            return ending, slugs[ending], f"synonym {slugs[ending][0]!r} (end of the header)"
        start = whole.find("_", start + 1)
    return None


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
    how: dict[str, str] = field(default_factory=dict)
    """source header -> why it was recognised ("exact header", "synonym 'x'", ...)"""

    @property
    def score(self) -> float:
        """Share of the profile's published headers found in the source."""
        return self.recognised / max(1, len(self.profile.keys()))

    @property
    def mappable(self) -> bool:
        return bool(self.positions) and not self.missing_required

    @property
    def reason(self) -> str:
        if self.profile.matching == "synonyms":
            text = (
                f"{self.recognised} columns recognised by the synonyms of profile "
                f"{self.profile.id!r}"
            )
        else:
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
    synonyms = profile.matching == "synonyms"
    positions: dict[str, int] = {}
    fields: dict[str, str] = {}
    variants: dict[str, str] = {}
    how: dict[str, str] = {}
    found: set[str] = set()
    ignored: list[str] = []
    for position, header in enumerate(headers):
        key = header_key(header)
        hit = keys.get(key) if key else None
        reason = "exact header" if hit is not None and header == hit[0] else ""
        if hit is None and synonyms and key:
            synonym = _synonym_hit(header, profile)
            if synonym is not None:
                key, hit, reason = synonym
        if hit is None or key in found:
            if header.strip():
                ignored.append(header)
            continue
        found.add(key)
        published, target = hit
        if not reason:
            reason = f"spelling variant of {published!r}"
        if header != published and not synonyms:
            variants[header] = published
        how[header] = reason
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
        how=how,
    )


def best_match(headers: Sequence[str], profiles: Iterable[MappingProfile]) -> ProfileMatch:
    """The profile that fits a header row best.

    Exact profiles first: mappable, then by share of headers found. A synonyms profile is the
    fallback for unknown formats: it wins when the best exact profile is recognised weakly
    (fewer than half of its headers) and either is not mappable or recognises fewer columns
    than the fallback (a one-column match of a small profile does not capture an unknown
    format); a known format missing its mandatory columns stays unmappable.
    """
    matches = [match_profile(headers, profile) for profile in profiles]
    if not matches:
        raise ConfigError("no mapping profile is available")
    exact = [m for m in matches if m.profile.matching == "exact"]
    loose = [m for m in matches if m.profile.matching == "synonyms"]
    best = max(exact, key=ProfileMatch.rank) if exact else None
    fallback = max(loose, key=lambda m: (m.mappable, len(m.positions))) if loose else None
    if best is None or fallback is None:
        chosen = best or fallback
        assert chosen is not None
        return chosen
    if best.score >= STRONG_MATCH:
        return best
    if best.mappable and (best.recognised >= len(fallback.positions) or not fallback.mappable):
        return best
    if not fallback.mappable and best.recognised >= fallback.recognised:
        return best
    return fallback


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
        return load_plain_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("mapping file not found", location=str(path)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = " ".join(str(exc).split())  # one line (a YAML error spans several)
        raise ConfigError(f"mapping file cannot be read: {reason}", location=str(path)) from None


@cache
def list_profiles() -> list[MappingProfile]:
    """The packaged profiles, sorted by id."""
    folder = resources.files(__package__).joinpath("profiles")
    profiles = [
        _parse_profile(load_plain_yaml(entry.read_text(encoding="utf-8")), origin=entry.name)
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
