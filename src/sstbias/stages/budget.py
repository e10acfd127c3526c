"""File-to-file steps of the twin's error budget (rules static_oracle_prediction and error_budget)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from sstbias.catalog import STATIC_ORACLE
from sstbias.netcdf import PathLike, write_prediction
from sstbias.stages.evaluate import test_data_and_unpredictable
from sstbias.twin.budget import budget_markdown, error_budget, static_oracle, write_budget

log = logging.getLogger("sstbias.stages")


def static_oracle_prediction(aligned: PathLike, split_path: PathLike, diagnostics: Sequence[PathLike], out: PathLike):
    """Write the static oracle of the test days: the forecast plus, per ocean cell, the least-squares line in time
    of observation - forecast fitted on the test days themselves (sstbias.twin.budget.static_oracle)."""
    data, _ = test_data_and_unpredictable(aligned, split_path, diagnostics)
    ocean = data["ocean_mask"].values == 1
    predicted = np.full(data["forecast"].shape, np.nan)
    predicted[:, ocean] = static_oracle(data["forecast"].values[:, ocean], data["observation"].values[:, ocean])
    write_prediction(data["forecast"].copy(data=predicted), out, STATIC_ORACLE)


def error_budget_tables(
    aligned: PathLike, split_path: PathLike, diagnostics: Sequence[PathLike], scenario: str, csv: PathLike, md: PathLike
) -> None:
    """Write the twin's error budget over the test days and ocean cells as CSV and Markdown."""
    data, unpredictable = test_data_and_unpredictable(aligned, split_path, diagnostics)
    ocean = data["ocean_mask"].values == 1
    budget = error_budget(
        data["forecast"].values[:, ocean], data["observation"].values[:, ocean], unpredictable.values[:, ocean]
    )
    write_budget(budget, scenario, csv, md)
    log.info("\n%s", budget_markdown(budget, scenario))
