"""fundcheck's own GX 1.x expectations, for per-record rules GX does not have (pandas, Spark).

Importing this module registers each expectation under its snake_case type (for example
``expect_column_values_to_be_delimited_codes_in_set``) and its metric, so a suite file can
refer to it. It imports GX: import it lazily, after ``GX_ANALYTICS_ENABLED`` is set.

Every expectation here follows GX's map semantics: a row is either expected or unexpected, rows
whose checked value is missing are left to the completeness rules, and the failing rows are
reported through ``unexpected_index_list``.
"""

from __future__ import annotations

import functools
import operator
from typing import Any, Literal

import pandas as pd
from great_expectations.compatibility import pydantic
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.core.metric_function_types import MetricPartialFunctionTypes
from great_expectations.execution_engine.pandas_execution_engine import PandasExecutionEngine
from great_expectations.execution_engine.sparkdf_execution_engine import SparkDFExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnMapExpectation,
    ColumnPairMapExpectation,
    MulticolumnMapExpectation,
)
from great_expectations.expectations.metrics.map_metric_provider.column_condition_partial import (
    column_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.column_map_metric_provider import (  # noqa: E501
    ColumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.column_pair_condition_partial import (  # noqa: E501
    column_pair_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.column_pair_map_metric_provider import (  # noqa: E501
    ColumnPairMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (  # noqa: E501
    multicolumn_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_map_metric_provider import (  # noqa: E501
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.metric_provider import metric_partial
from great_expectations.expectations.metrics.util import get_dbms_compatible_metric_domain_kwargs

from fundcheck.expectations.references import LOCATION_KINDS, REFERENCE_NAMES
from fundcheck.expectations.row_checks import (
    amount_equals_base_times_rate,
    b_allowed_for_a,
    codes_not_forbidden_for_a,
    delimited_codes_in_set,
    in_code_list,
    not_person_name,
    not_postcode_class,
    same_objective,
    same_region,
    same_siren,
    valid_identifier,
)
from fundcheck.expectations.spark_engine import occurrences, on_spark, repeated_within_group

# --------------------------------------------------------------------------------------------
# Codes joined by a separator, each in a set


class ColumnValuesDelimitedCodesInSet(ColumnMapMetricProvider):
    condition_metric_name = "column_values.delimited_codes_in_set"
    condition_value_keys = ("value_set", "separator")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(
        cls, column: pd.Series, value_set: list[Any], separator: str, **kwargs: Any
    ) -> pd.Series:
        return delimited_codes_in_set(column, value_set=value_set, separator=separator)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, value_set: list[Any], separator: str, **kwargs: Any) -> Any:
        return on_spark(delimited_codes_in_set, column, value_set=value_set, separator=separator)


class ExpectColumnValuesToBeDelimitedCodesInSet(ColumnMapExpectation):
    """Every code of a cell holding one or several codes joined by ``separator`` is in the set.

    Example: intervention fields ``"044|045"`` are valid when both 044 and 045 are Annex I codes.
    """

    value_set: list[Any] | dict[str, Any]  # a list, or GX's {"$PARAMETER": name}
    separator: str = "|"

    map_metric = "column_values.delimited_codes_in_set"
    success_keys = ("value_set", "separator", "mostly")
    args_keys = ("column", "value_set")


# --------------------------------------------------------------------------------------------
# Value in a packaged code list, looked up by name


class ColumnValuesInCodeList(ColumnMapMetricProvider):
    condition_metric_name = "column_values.in_code_list"
    condition_value_keys = ("code_list",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, code_list: str, **kwargs: Any) -> pd.Series:
        return in_code_list(column, code_list)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, code_list: str, **kwargs: Any) -> Any:
        return on_spark(in_code_list, column, code_list=code_list)


class ExpectColumnValuesToBeInCodeList(ColumnMapExpectation):
    """The value is in a packaged code list, named by ``code_list`` (e.g. ``postcodes``).

    Same check as ``expect_column_values_to_be_in_set``, but the list is looked up by name
    instead of carried in the kwargs: GX re-serialises an expectation's kwargs many times per
    run, which costs about 1 s per run for the 6,328 La Poste postcodes.
    """

    code_list: str

    map_metric = "column_values.in_code_list"
    success_keys = ("code_list", "mostly")
    args_keys = ("column", "code_list")

    @pydantic.validator("code_list")
    def _validate_code_list(cls, value: str) -> str:
        if value not in REFERENCE_NAMES:
            raise ValueError(f"unknown code list {value!r}; known: {sorted(REFERENCE_NAMES)}")
        return value


# --------------------------------------------------------------------------------------------
# Postcode of a given class (La Poste distribution code, CEDEX, INSEE code, unknown département)


class ColumnValuesNotPostcodeClass(ColumnMapMetricProvider):
    condition_metric_name = "column_values.not_postcode_class"
    condition_value_keys = ("postcode_class",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, postcode_class: str, **kwargs: Any) -> pd.Series:
        return not_postcode_class(column, postcode_class)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, postcode_class: str, **kwargs: Any) -> Any:
        return on_spark(not_postcode_class, column, postcode_class=postcode_class)


class ExpectColumnValuesToNotBePostcodeClass(ColumnMapExpectation):
    """A well-formed French postcode is not of ``postcode_class``: ``special`` (a CEDEX or
    special code of an existing département), ``insee_commune`` (an INSEE commune code, not a
    distribution postcode) or ``unknown_departement`` (its prefix is no département).

    Example: "45057" (Orléans CEDEX) is ``special``; "35000" is a distribution postcode.
    """

    postcode_class: str

    map_metric = "column_values.not_postcode_class"
    success_keys = ("postcode_class", "mostly")
    args_keys = ("column", "postcode_class")

    @pydantic.validator("postcode_class")
    def _validate_class(cls, value: str) -> str:
        known = ("special", "insee_commune", "unknown_departement")
        if value not in known:
            raise ValueError(f"unknown postcode class {value!r}; known: {list(known)}")
        return value


# --------------------------------------------------------------------------------------------
# Column B allowed for the key in column A


class ColumnPairValuesBAllowedForA(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.b_allowed_for_a"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("allowed_by_key",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(
        cls,
        column_A: pd.Series,  # noqa: N803 - GX's argument names
        column_B: pd.Series,  # noqa: N803
        allowed_by_key: dict[str, list[str]],
        **kwargs: Any,
    ) -> pd.Series:
        return b_allowed_for_a(column_A, column_B, allowed_by_key)

    @column_pair_condition_partial(engine=SparkDFExecutionEngine)  # type: ignore[untyped-decorator]
    def _spark(
        cls,
        column_A: Any,  # noqa: N803 - GX's argument names
        column_B: Any,  # noqa: N803
        allowed_by_key: dict[str, list[str]],
        **kwargs: Any,
    ) -> Any:
        return on_spark(b_allowed_for_a, column_A, column_B, allowed_by_key=allowed_by_key)


class ExpectColumnPairValuesBToBeAllowedForA(ColumnPairMapExpectation):
    """Column B holds a value allowed for the key in column A (``allowed_by_key[A]``).

    Where A is missing or not a key of the mapping, B must be allowed for some key. Rows where B
    is missing pass (completeness is another rule). Example: a specific objective valid for the
    operation's fund.
    """

    allowed_by_key: dict[str, Any]  # key -> allowed values, or GX's {"$PARAMETER": name}
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = (
        "both_values_are_missing"
    )

    map_metric = "column_pair_values.b_allowed_for_a"
    success_keys = ("column_A", "column_B", "ignore_row_if", "allowed_by_key", "mostly")
    args_keys = ("column_A", "column_B", "allowed_by_key")


# --------------------------------------------------------------------------------------------
# No code of a delimited column B is forbidden for the key in column A


class ColumnPairDelimitedCodesNotForbiddenForA(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.delimited_codes_not_forbidden_for_a"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("forbidden_by_key", "separator")

    @column_pair_condition_partial(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(
        cls,
        column_A: pd.Series,  # noqa: N803 - GX's argument names
        column_B: pd.Series,  # noqa: N803
        forbidden_by_key: dict[str, list[str]],
        separator: str,
        **kwargs: Any,
    ) -> pd.Series:
        return codes_not_forbidden_for_a(column_A, column_B, forbidden_by_key, separator)

    @column_pair_condition_partial(engine=SparkDFExecutionEngine)  # type: ignore[untyped-decorator]
    def _spark(
        cls,
        column_A: Any,  # noqa: N803 - GX's argument names
        column_B: Any,  # noqa: N803
        forbidden_by_key: dict[str, list[str]],
        separator: str,
        **kwargs: Any,
    ) -> Any:
        return on_spark(
            codes_not_forbidden_for_a,
            column_A,
            column_B,
            forbidden_by_key=forbidden_by_key,
            separator=separator,
        )


class ExpectColumnPairDelimitedCodesToNotBeForbiddenForA(ColumnPairMapExpectation):
    """No code of column B (codes joined by ``separator``) is in ``forbidden_by_key[A]``
    (``"*"``: any code); a row whose A is not a key passes. Example: an ESF+-type intervention
    field (134-163) on an ERDF row fails."""

    forbidden_by_key: dict[str, Any]
    separator: str = "|"
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = (
        "either_value_is_missing"
    )

    map_metric = "column_pair_values.delimited_codes_not_forbidden_for_a"
    success_keys = (
        "column_A", "column_B", "forbidden_by_key", "separator", "ignore_row_if", "mostly",
    )  # fmt: skip
    args_keys = ("column_A", "column_B", "forbidden_by_key")


# --------------------------------------------------------------------------------------------
# A code column and its "code and label" sibling name the same code


class ColumnPairSameObjective(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.same_objective"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(
        cls,
        column_A: pd.Series,  # noqa: N803 - GX's argument names
        column_B: pd.Series,  # noqa: N803
        **kwargs: Any,
    ) -> pd.Series:
        return same_objective(column_A, column_B)

    @column_pair_condition_partial(engine=SparkDFExecutionEngine)  # type: ignore[untyped-decorator]
    def _spark(
        cls,
        column_A: Any,  # noqa: N803 - GX's argument names
        column_B: Any,  # noqa: N803
        **kwargs: Any,
    ) -> Any:
        return on_spark(same_objective, column_A, column_B)


class ExpectColumnPairValuesToNameTheSameObjective(ColumnPairMapExpectation):
    """The specific objective code (column A) is the one its "code and label" column (B) names;
    a label naming no code, or several, passes. Example: "RSO2.1" beside "RSO2.4 Favoriser
    l'adaptation..." fails."""

    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = (
        "either_value_is_missing"
    )

    map_metric = "column_pair_values.same_objective"
    success_keys = ("column_A", "column_B", "ignore_row_if", "mostly")
    args_keys = ("column_A", "column_B")


# --------------------------------------------------------------------------------------------
# At least one of several columns filled


class MulticolumnValuesNotAllNull(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.not_all_null"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_list",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ()

    @multicolumn_condition_partial(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(cls, column_list: pd.DataFrame, **kwargs: Any) -> pd.Series:
        return column_list.notna().any(axis=1)

    @multicolumn_condition_partial(engine=SparkDFExecutionEngine)  # type: ignore[untyped-decorator]
    def _spark(cls, column_list: Any, **kwargs: Any) -> Any:
        from pyspark.sql import functions as F  # noqa: N812 - PySpark's convention

        filled = [F.col(name).isNotNull() for name in column_list.columns]
        return functools.reduce(operator.or_, filled)


class ExpectMulticolumnValuesToNotBeAllNull(MulticolumnMapExpectation):
    """At least one of the columns is filled on every row (e.g. some location indicator)."""

    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"

    map_metric = "multicolumn_values.not_all_null"
    success_keys = ("mostly",)
    args_keys = ("column_list",)


# --------------------------------------------------------------------------------------------
# Amount equal to base x rate, within a tolerance


class MulticolumnAmountEqualsBaseTimesRate(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.amount_equals_base_times_rate"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_list",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("tolerance",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(cls, column_list: pd.DataFrame, tolerance: float, **kwargs: Any) -> pd.Series:
        base, rate, amount = (column_list.iloc[:, i] for i in range(3))
        return amount_equals_base_times_rate(base, rate, amount, tolerance)

    @multicolumn_condition_partial(engine=SparkDFExecutionEngine)  # type: ignore[untyped-decorator]
    def _spark(cls, column_list: Any, tolerance: float, **kwargs: Any) -> Any:
        from pyspark.sql import functions as F  # noqa: N812 - PySpark's convention

        columns = (F.col(name) for name in column_list.columns)
        return on_spark(amount_equals_base_times_rate, *columns, tolerance=tolerance)


class ExpectMulticolumnAmountToEqualBaseTimesRate(MulticolumnMapExpectation):
    """``|amount - base x rate| <= tolerance x |base|``, ``column_list`` = [base, rate, amount].

    Example: EU amount = eligible cost x co-financing rate, within half a percent of the cost.
    Rows with a missing value are skipped.
    """

    tolerance: float | dict[str, Any] = pydantic.Field(default=0.005, ge=0)
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = (
        "any_value_is_missing"
    )

    map_metric = "multicolumn_values.amount_equals_base_times_rate"
    success_keys = ("tolerance", "mostly")
    args_keys = ("column_list", "tolerance")

    @pydantic.validator("column_list")
    def _validate_column_list(cls, value: list[str]) -> list[str]:
        if len(value) != 3:  # noqa: PLR2004 - base, rate, amount
            raise ValueError("column_list must be [base, rate, amount]")
        return value


# --------------------------------------------------------------------------------------------
# A value repeating an earlier row's value within its group


def _column_domain(
    execution_engine: Any, metric_domain_kwargs: dict[str, Any], metrics: dict[str, Any]
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The table and domain kwargs of a column metric, as GX's column partials compute them."""
    domain_kwargs = get_dbms_compatible_metric_domain_kwargs(
        metric_domain_kwargs=metric_domain_kwargs, batch_columns_list=metrics["table.columns"]
    )
    table, compute_kwargs, accessor_kwargs = execution_engine.get_compute_domain(
        domain_kwargs=domain_kwargs, domain_type=MetricDomainTypes.COLUMN
    )
    return table, compute_kwargs, accessor_kwargs


class ColumnValuesNotRepeatedWithinGroup(ColumnMapMetricProvider):
    """Unexpected rows: a non-missing value already seen on an earlier row of the same group."""

    condition_metric_name = "column_values.not_repeated_within_group"
    condition_value_keys = ("group_by",)

    @metric_partial(
        engine=PandasExecutionEngine,
        partial_fn_type=MetricPartialFunctionTypes.MAP_CONDITION_SERIES,
        domain_type=MetricDomainTypes.COLUMN,
    )
    def _pandas(
        cls,
        execution_engine: PandasExecutionEngine,
        metric_domain_kwargs: dict[str, Any],
        metric_value_kwargs: dict[str, Any],
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any],
    ) -> tuple[pd.Series, dict[str, Any], dict[str, Any]]:
        # Same contract as GX's column_condition_partial, but the condition needs the group
        # columns of the table, which a column condition does not receive.
        frame, compute_kwargs, accessor_kwargs = _column_domain(
            execution_engine, metric_domain_kwargs, metrics
        )
        column = accessor_kwargs["column"]
        frame = frame[frame[column].notna()]
        keys = [*(metric_value_kwargs.get("group_by") or []), column]
        return frame.duplicated(subset=keys, keep="first"), compute_kwargs, accessor_kwargs

    @metric_partial(
        engine=SparkDFExecutionEngine,
        partial_fn_type=MetricPartialFunctionTypes.WINDOW_CONDITION_FN,
        domain_type=MetricDomainTypes.COLUMN,
    )
    def _spark(
        cls,
        execution_engine: SparkDFExecutionEngine,
        metric_domain_kwargs: dict[str, Any],
        metric_value_kwargs: dict[str, Any],
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any],
    ) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        # The unexpected condition itself (a window over the group and the value, in file order)
        from pyspark.sql import functions as F  # noqa: N812 - PySpark's convention

        _, compute_kwargs, accessor_kwargs = _column_domain(
            execution_engine, metric_domain_kwargs, metrics
        )
        column = F.col(accessor_kwargs["column"])
        group_by = list(metric_value_kwargs.get("group_by") or [])
        unexpected = column.isNotNull() & repeated_within_group(column, group_by)
        return unexpected, compute_kwargs, accessor_kwargs


class ExpectColumnValuesToNotRepeatWithinGroup(ColumnMapExpectation):
    """A value does not repeat an earlier row's value within its group (``group_by`` columns).

    Only the second and later occurrences are unexpected, so each extra row is reported once.
    Example: an operation id that repeats within a programme.
    """

    group_by: list[str] = pydantic.Field(default_factory=list)

    map_metric = "column_values.not_repeated_within_group"
    success_keys = ("group_by", "mostly")
    args_keys = ("column", "group_by")


# --------------------------------------------------------------------------------------------
# Identifiers (SIREN, SIRET, VAT number, RNA number)


class ColumnValuesValidIdentifier(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_identifier"
    condition_value_keys = ("scheme",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, scheme: str, **kwargs: Any) -> pd.Series:
        return valid_identifier(column, scheme)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, scheme: str, **kwargs: Any) -> Any:
        return on_spark(valid_identifier, column, scheme=scheme)


class ExpectColumnValuesToBeValidIdentifier(ColumnMapExpectation):
    """The value is a valid identifier of ``scheme``: ``siren``, ``siret`` (La Poste exception
    included), ``fr_vat``, ``rna`` or ``rna_tolerated`` (also the old W + digit + letter form).

    Example: SIREN 552081317 passes, 123456789 fails its Luhn key.
    """

    scheme: Literal["siren", "siret", "fr_vat", "rna", "rna_tolerated"]

    map_metric = "column_values.valid_identifier"
    success_keys = ("scheme", "mostly")
    args_keys = ("column", "scheme")


class ColumnPairValuesSameSiren(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.same_siren"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("scheme_B",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(
        cls,
        column_A: pd.Series,  # noqa: N803 - GX's argument names
        column_B: pd.Series,  # noqa: N803
        scheme_B: str,  # noqa: N803
        **kwargs: Any,
    ) -> pd.Series:
        return same_siren(column_A, column_B, scheme_B)

    @column_pair_condition_partial(engine=SparkDFExecutionEngine)  # type: ignore[untyped-decorator]
    def _spark(
        cls,
        column_A: Any,  # noqa: N803 - GX's argument names
        column_B: Any,  # noqa: N803
        scheme_B: str,  # noqa: N803
        **kwargs: Any,
    ) -> Any:
        return on_spark(same_siren, column_A, column_B, scheme=scheme_B)


class ExpectColumnPairValuesToCarryTheSameSiren(ColumnPairMapExpectation):
    """The SIREN in column A is the one a valid SIRET or French VAT number in column B carries
    (``scheme_B``: ``siret``, first 9 digits; ``fr_vat``, last 9 digits)."""

    scheme_B: Literal["siret", "fr_vat"]  # noqa: N815 - GX's column_B naming
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = (
        "either_value_is_missing"
    )

    map_metric = "column_pair_values.same_siren"
    success_keys = ("column_A", "column_B", "scheme_B", "ignore_row_if", "mostly")
    args_keys = ("column_A", "column_B", "scheme_B")


# --------------------------------------------------------------------------------------------
# Two location codes in the same region


class ColumnPairValuesSameRegion(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.same_region"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("kind_A", "kind_B")

    @column_pair_condition_partial(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(
        cls,
        column_A: pd.Series,  # noqa: N803 - GX's argument names
        column_B: pd.Series,  # noqa: N803
        kind_A: str,  # noqa: N803
        kind_B: str,  # noqa: N803
        **kwargs: Any,
    ) -> pd.Series:
        return same_region(column_A, column_B, kind_A, kind_B)

    @column_pair_condition_partial(engine=SparkDFExecutionEngine)  # type: ignore[untyped-decorator]
    def _spark(
        cls,
        column_A: Any,  # noqa: N803 - GX's argument names
        column_B: Any,  # noqa: N803
        kind_A: str,  # noqa: N803
        kind_B: str,  # noqa: N803
        **kwargs: Any,
    ) -> Any:
        return on_spark(same_region, column_A, column_B, kind_a=kind_A, kind_b=kind_B)


class ExpectColumnPairValuesToBeInTheSameRegion(ColumnPairMapExpectation):
    """Columns A and B point to the same INSEE region. ``kind_A`` / ``kind_B`` say what each
    holds: ``cci`` (a regional programme), ``postcode``, ``departement``, ``region`` or ``nuts``.

    A code whose region is unknown (a national or interregional programme, a foreign or invalid
    code) passes: other rules report invalid codes. Example: postcode 35000 (Bretagne) on a row
    of programme 2014FR16M0OP001 (Aquitaine, Nouvelle-Aquitaine) fails.
    """

    kind_A: str  # noqa: N815 - GX's column_A naming
    kind_B: str  # noqa: N815
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = (
        "either_value_is_missing"
    )

    map_metric = "column_pair_values.same_region"
    success_keys = ("column_A", "column_B", "kind_A", "kind_B", "ignore_row_if", "mostly")
    args_keys = ("column_A", "column_B", "kind_A", "kind_B")

    @pydantic.validator("kind_A", "kind_B")
    def _validate_kind(cls, value: str) -> str:
        if value not in LOCATION_KINDS:
            raise ValueError(f"unknown location kind {value!r}; known: {list(LOCATION_KINDS)}")
        return value


# --------------------------------------------------------------------------------------------
# Names that look like a natural person's


class ColumnValuesNotPersonNames(ColumnMapMetricProvider):
    condition_metric_name = "column_values.not_person_names"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        # a name carrying three operations or more of the list is an organisation's
        counts = column.value_counts()
        frequent = set(counts[counts >= REPEATED_NAME_OPERATIONS].index)
        return pd.Series(column.isin(frequent), index=column.index) | not_person_name(column)

    @column_condition_partial(
        engine=SparkDFExecutionEngine,
        partial_fn_type=MetricPartialFunctionTypes.WINDOW_CONDITION_FN,  # a count over the column
    )
    def _spark(cls, column: Any, **kwargs: Any) -> Any:
        frequent = occurrences(column) >= REPEATED_NAME_OPERATIONS
        return frequent | on_spark(not_person_name, column)


REPEATED_NAME_OPERATIONS = 3


class ExpectColumnValuesToNotLookLikePersonNames(ColumnMapExpectation):
    """The value does not look like a natural person's name (civil title, or a given name and a
    surname with no organisation word: see :mod:`.person_names`). A name that carries three
    operations or more of the list is taken for an organisation's (a company named after its
    founder).

    Example: "M. Jean DUPONT" and "Helle Larsen" fail; "Commune de Bourges" passes.
    """

    map_metric = "column_values.not_person_names"
    success_keys = ("mostly",)
    args_keys = ("column",)
