"""Suite files that share rules: a suite ``include``s a common file and fills its text slots.

The rules both periods apply in the same way (postcodes, identifiers, amounts, dates) are
written once, in ``suites/common/``. A suite names the file and gives the texts that differ by
period, usually the legal basis of one expectation::

    include:
      - file: common/eu.list_of_operations.yaml
        texts:
          basis_country: "CPR (EU) No 1303/2013 Annex XII §1 (country)"
          basis_dates: null            # null: the rule's own legal basis

In the common file, ``{$text: name}`` marks a slot, and ``texts`` declares every slot with what
it is for. Every slot must be filled (a null is a choice, a forgotten slot is an error), and an
unknown name is an error, so a renamed slot cannot go unnoticed. The common file's parameters,
rules and expectations come after the suite's own; a rule defined in both is an error (the suite
model rejects duplicates). An included file includes nothing itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

INCLUDE_KEY = "include"
TEXT_KEY = "$text"
INCLUDED_KEYS = frozenset({"texts", "parameters", "rules", "expectations"})

ReadIncluded = Callable[[str], str]
"""Returns the text of an included file from its name as the suite writes it."""
ParseYaml = Callable[[str, str], Any]
"""Parses YAML text; the second argument names the file in errors."""


class IncludeError(ValueError):
    """An ``include`` entry or an included file is inconsistent."""


def expand_includes(
    document: dict[str, Any], read: ReadIncluded, parse: ParseYaml
) -> dict[str, Any]:
    """The suite document with every included file's parameters, rules and expectations added."""
    entries = document.get(INCLUDE_KEY)
    if entries is None:
        return document
    if not isinstance(entries, list):
        raise IncludeError("'include' must be a list of {file, texts} entries")
    expanded = {key: value for key, value in document.items() if key != INCLUDE_KEY}
    for entry in entries:
        included = _included_document(entry, read, parse)
        _merge(expanded, included)
    return expanded


def _included_document(entry: Any, read: ReadIncluded, parse: ParseYaml) -> dict[str, Any]:
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        raise IncludeError(f"include entry {entry!r}: expected {{file: <path>, texts: {{...}}}}")
    unknown_keys = set(entry) - {"file", "texts"}
    if unknown_keys:
        raise IncludeError(f"include entry {entry['file']}: unknown keys {sorted(unknown_keys)}")
    name: str = entry["file"]
    try:
        text = read(name)
    except (OSError, LookupError) as error:
        raise IncludeError(f"cannot read included file {name!r}: {error}") from error
    included = parse(text, name)
    if not isinstance(included, dict):
        raise IncludeError(f"included file {name}: a YAML mapping is expected")
    unexpected = set(included) - INCLUDED_KEYS
    if unexpected:
        raise IncludeError(
            f"included file {name}: only {sorted(INCLUDED_KEYS)} may be given, "
            f"not {sorted(unexpected)}"
        )
    slots = included.get("texts") or {}
    given = entry.get("texts") or {}
    if not isinstance(slots, dict) or not isinstance(given, dict):
        raise IncludeError(f"include of {name}: 'texts' must be a mapping")
    missing = sorted(set(slots) - set(given))
    if missing:
        raise IncludeError(f"include of {name}: texts not given: {', '.join(missing)}")
    unknown = sorted(set(given) - set(slots))
    if unknown:
        raise IncludeError(f"include of {name}: unknown texts: {', '.join(unknown)}")
    filled = {key: value for key, value in included.items() if key != "texts"}
    result = fill_texts(filled, given, where=name)
    assert isinstance(result, dict)
    return result


def fill_texts(value: Any, texts: dict[str, Any], *, where: str) -> Any:
    """Replace every ``{$text: name}`` in ``value`` by ``texts[name]``."""
    if isinstance(value, dict):
        if set(value) == {TEXT_KEY}:
            name = value[TEXT_KEY]
            if name not in texts:
                raise IncludeError(f"{where}: {{$text: {name}}} is not declared in 'texts'")
            return texts[name]
        return {key: fill_texts(item, texts, where=where) for key, item in value.items()}
    if isinstance(value, list):
        return [fill_texts(item, texts, where=where) for item in value]
    return value


def _merge(suite: dict[str, Any], included: dict[str, Any]) -> None:
    own_parameters = suite.get("parameters") or {}
    shared_parameters = included.get("parameters") or {}
    both = sorted(set(own_parameters) & set(shared_parameters))
    if both:
        raise IncludeError(f"parameters defined in the suite and its include: {', '.join(both)}")
    suite["parameters"] = {**shared_parameters, **own_parameters}
    for key in ("rules", "expectations"):
        suite[key] = [*(suite.get(key) or []), *(included.get(key) or [])]
