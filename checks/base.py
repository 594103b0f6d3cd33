"""The interface of aggregate and cross-record rules, and their registry.

A check reads whole record sets (all operations of a run) and returns findings as a table; it never
imports GX. Each check carries its catalogue entry (``rule``) with id, severity and legal basis, and
its tunable parameters with their defaults (``parameters``), which ``fundcheck.toml``
``[parameters]`` may override by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ClassVar, Protocol

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from fundcheck.checks.frames import CheckData
from fundcheck.checks.gathered import summed
from fundcheck.errors import ConfigError
from fundcheck.model import RecordSet, Rule
from fundcheck.reference import Reference


class Parameters(BaseModel):
    """The parameters of a check: one typed field each, with its default, its bounds and a
    description (``[parameters]`` in fundcheck.toml overrides them by name). This base has none."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Check(Protocol):
    """A rule over many records (a programme, a region, the whole dataset)."""

    rule: ClassVar[Rule]
    parameters: ClassVar[type[Parameters]]
    """The parameters the check reads, each with its type, default, bounds and description
    (names are unique across checks and suites)."""

    reads: ClassVar[frozenset[str]]
    """Names of the shared derivations the check reads (``checks.frames.shared``): a run keeps
    each one until the last check that declares it has run."""

    links: ClassVar[tuple[str, ...] | None]
    """The relations between rows its findings depend on (names of ``checks.shards.LINKS``:
    "beneficiary", "operation_id", "identical"...): a large run may give it the rows a
    connected set at a time. ``()``: row by row, or a check that gathers its rows
    (``GatheringCheck``); None: every row at once."""

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """Return a findings table (``fundcheck.model.findings_frame``); never raise on bad data."""
        ...


class GatheringCheck:
    """A check that judges sums over many rows (a programme, a fund) from a few values of each
    row: ``gather`` derives them, each row's from its own cells only, so that any partition of
    the rows gathers the same table piece by piece (``checks.shards`` gathers a shard of rows at
    a time, ``checks.gathered`` holds the pieces); ``judge`` gives the findings of the whole
    table. Its ``links`` are ``()``: only the gathering reads the record sets."""

    links: ClassVar[tuple[str, ...] | None] = ()

    sums: ClassVar[tuple[str, ...]] = ()
    """Gathered columns the judgment only adds up: the rows alike in every other column are
    gathered as one line with those sums and the count of its rows (``_rows``,
    ``checks.gathered.summed``)."""

    def gather(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The values the judgment reads of each row (rows left out are not judged)."""
        raise NotImplementedError

    def judge(
        self, rows: pd.DataFrame, reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The findings table of the gathered ``rows`` (index 0..n-1)."""
        raise NotImplementedError

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """The findings of every row: ``judge`` of ``gather``."""
        return self.judge(self.gathered(data, reference, parameters), reference, parameters)

    def gathered(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """What ``gather`` gives, its rows summed into lines when the check has ``sums``."""
        rows = self.gather(data, reference, parameters).reset_index(drop=True)
        return self.lines(rows)

    def lines(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Gathered rows (or lines) as the judgment reads them: summed by ``sums``."""
        return summed(rows, self.sums) if self.sums else rows


CHECKS: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: add a check to the registry under its rule id (an id registered twice
    is a programming error, raised at import)."""
    if cls.rule.id in CHECKS and CHECKS[cls.rule.id] is not cls:
        raise ValueError(f"check rule id {cls.rule.id!r} registered twice")
    CHECKS[cls.rule.id] = cls
    return cls


def run_checks(
    data: CheckData,
    reference: Reference,
    parameters: Mapping[str, Any],
    ids: Collection[str] | None = None,
) -> list[pd.DataFrame]:
    """Every registered check on ``data``, in registry order (or those of the rule ``ids``, in
    that order): their findings tables, all at once (``each_check`` gives them one by one)."""
    return list(each_check(data, reference, parameters, ids=ids))


def each_check(
    data: CheckData,
    reference: Reference,
    parameters: Mapping[str, Any],
    after_each: Callable[[], None] = lambda: None,
    ids: Collection[str] | None = None,
    turn: Callable[[str], AbstractContextManager[object]] = lambda _rule: nullcontext(),
) -> Iterator[pd.DataFrame]:
    """The findings table of each check, as each one ends (``run_checks``, one at a time: a
    caller may put them aside, to disk, before the next). Each check runs within ``turn(rule
    id)`` (there the pipeline makes the checks that build the most wait for each other across
    its two processes). After each check, the derivations no later check of the run reads are
    dropped, then ``after_each`` runs (the pipeline gives the freed memory back there)."""
    checks = list(CHECKS.values()) if ids is None else [CHECKS[rule] for rule in ids]
    for position, check in enumerate(checks):
        with turn(check.rule.id):
            found = check().run(data, reference, parameters)
        data.keep_only(name for later in checks[position + 1 :] for name in later.reads)
        after_each()
        yield found
        del found  # the caller holds it now, or has put it aside


def settings(check: type[Check] | Check, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The check's parameters: its defaults, overridden by the run's values of the same name,
    validated by the check's model (a value of the wrong type or out of bounds raises
    ConfigError, an execution error, naming the parameter)."""
    return settings_of(check.parameters, parameters)


def settings_of(model: type[Parameters], parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a parameters model: its defaults overridden by the run's values."""
    given = {
        name: parameters[name] for name in model.model_fields if parameters.get(name) is not None
    }
    try:
        return model.model_validate(given).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"invalid value for parameter {name}: {first['msg']}") from None


def as_of(parameters: Mapping[str, Any]) -> dt.date:
    """The date the run assesses the data at: ``parameters["as_of"]`` (ISO date), else today."""
    value = parameters.get("as_of")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError as exc:
            raise ConfigError(f"invalid value for parameter as_of: {value!r}") from exc
    return dt.date.today()
