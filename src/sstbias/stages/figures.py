"""File-to-file steps of the workflow's figures (figures.smk, and budget_curve.smk's budget_figure); each writes
its PNG atomically."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import xarray as xr

from sstbias.data.split import load_split
from sstbias.evaluation import figures
from sstbias.netcdf import PREDICTION, PathLike, open_field


def _test_data(aligned: PathLike, split_path: PathLike) -> xr.Dataset:
    return xr.load_dataset(aligned).sel(time=load_split(split_path)["test"])


def prediction_figures(
    *,
    models: Sequence[str],
    predictions: Sequence[PathLike],
    aligned: PathLike,
    split_path: PathLike,
    maps_png: PathLike,
    scatter_png: PathLike,
) -> None:
    """Error maps (Fig. 6) and corrected-vs-observed scatter of the test period."""
    data = _test_data(aligned, split_path)
    fields = {
        name: open_field(path, PREDICTION).sel(time=data["time"])
        for name, path in zip(models, predictions, strict=True)
    }
    figures.error_maps(fields, data["observation"], data["ocean_mask"], maps_png)
    figures.scatter(fields, data["observation"], data["ocean_mask"], scatter_png)


def error_series_figure(models: Sequence[str], daily_files: Sequence[PathLike], png: PathLike) -> None:
    """Domain-mean error per test day and model."""
    daily = {name: pd.read_csv(path) for name, path in zip(models, daily_files, strict=True)}
    figures.error_time_series(daily, png)


def training_figure(models: Sequence[str], logs: Sequence[PathLike], png: PathLike) -> None:
    """Training loss and validation RMSE of the deep models."""
    figures.training_curves({name: pd.read_csv(path) for name, path in zip(models, logs, strict=True)}, png)


def budget_figure(tables: Sequence[PathLike], references: Mapping[str, Sequence[PathLike]], png: PathLike) -> None:
    """The budget curve (rule budget_figure, budget_curve.smk): figures/budget.png from the models' budget tables
    (CSV) and the references' metrics files."""
    figures.budget_figure(tables, references, png)


def rmse_by_lead(table: PathLike, png: PathLike) -> None:
    """figures/rmse_by_lead.png from tables/by_lead.csv."""
    figures.rmse_by_lead(pd.read_csv(table), png)
