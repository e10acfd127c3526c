"""File-to-file steps of the twin's error budget (rules floor_prediction, static_oracle_prediction and
error_budget): the two hindsight references scored like models (the irreducible floor and the static oracle) and
the budget's tables. The library side is :mod:`sstbias.twin.budget`."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sstbias.experiments.catalog import FLOOR, STATIC_ORACLE
from sstbias.netcdf import PathLike, write_prediction
from sstbias.twin.budget import (
    budget_markdown,
    floor_field,
    ocean_error_budget,
    read_test_days,
    static_oracle_field,
    write_budget,
)

log = logging.getLogger("sstbias.stages")


def floor_prediction(aligned: PathLike, split_path: PathLike, diagnostics: Sequence[PathLike], out: PathLike) -> None:
    """Write the twin's best possible correction of the test days: observation - unpredictable error."""
    data, unpredictable = read_test_days(aligned, split_path, diagnostics)
    write_prediction(floor_field(data, unpredictable), out, FLOOR)


def static_oracle_prediction(
    aligned: PathLike, split_path: PathLike, diagnostics: Sequence[PathLike], out: PathLike
) -> None:
    """Write the static oracle of the test days: the forecast plus, per ocean cell, the least-squares line in time
    of observation - forecast fitted on the test days themselves (sstbias.twin.budget.static_oracle)."""
    data, _ = read_test_days(aligned, split_path, diagnostics)
    write_prediction(static_oracle_field(data), out, STATIC_ORACLE)


def error_budget_tables(
    aligned: PathLike, split_path: PathLike, diagnostics: Sequence[PathLike], scenario: str, csv: PathLike, md: PathLike
) -> None:
    """Write the twin's error budget over the test days and ocean cells as CSV and Markdown."""
    data, unpredictable = read_test_days(aligned, split_path, diagnostics)
    budget = ocean_error_budget(data, unpredictable)
    write_budget(budget, scenario, csv, md)
    log.info("\n%s", budget_markdown(budget, scenario))
