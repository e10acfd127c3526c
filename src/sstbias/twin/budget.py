"""The twin's error budget: how much of the raw forecast's error a per-cell line in time can remove, how much is
flow-dependent, and how much no corrector can know.

Three predictions of the observation on the test days, each scored by its MSE over ocean cell-days:

- raw: the daily forecast itself;
- static oracle: the forecast plus, per cell, the least-squares line in time (intercept + slope) of observation -
  forecast fitted on the test days themselves: an upper bound for any per-cell seasonal correction;
- floor: observation - unpredictable error (the twin's perfect corrector).

Shares of the correctable MSE (raw - floor): static = (raw - static oracle) / (raw - floor), flow-dependent =
(static oracle - floor) / (raw - floor).

:func:`read_test_days` reads the workflow's files for them (the aligned data and the twin diagnostics on the test
days); :func:`floor_field`, :func:`static_oracle_field` and :func:`ocean_error_budget` compute the floor's and the
static oracle's predictions and the budget over the ocean cells.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.data.split import load_split
from sstbias.errors import InputDataError
from sstbias.netcdf import PathLike, atomic_write, open_field

# Targets of the realistic scenario, fixed from the paper's Table 1 before any model ran on it (docs/twin.md):
# name -> (low, high), None for an open side.
REALISTIC_TARGETS = {
    "raw_rmse": (0.50, 0.55),
    "mae_over_rmse": (0.74, 0.80),
    "mean_observed_sst": (27.5, 28.5),
    "floor_rmse": (0.25, 0.32),
    "static_share": (None, 0.45),
    "flow_dependent_share": (0.40, None),
}


def read_test_days(
    aligned: PathLike, split_path: PathLike, diagnostics: Sequence[PathLike]
) -> tuple[xr.Dataset, xr.DataArray]:
    """The aligned data on the test days of the split, and the twin diagnostics' unpredictable error on them
    ((time, lat, lon) degC); InputDataError if the diagnostics lack a test day or are not on the analysis grid."""
    test_days = load_split(split_path)["test"]
    data = xr.load_dataset(aligned).sel(time=test_days)
    unpredictable = xr.concat([_unpredictable(path) for path in diagnostics], dim="time")
    unpredictable = unpredictable.assign_coords(time=pd.DatetimeIndex(unpredictable["time"].values).floor("D"))
    missing = test_days.difference(pd.DatetimeIndex(unpredictable["time"].values))
    if len(missing):
        raise InputDataError(f"twin diagnostics lack test days {[str(d.date()) for d in missing[:5]]}")
    unpredictable = unpredictable.sel(time=test_days)
    if unpredictable.shape != data["observation"].shape:
        raise InputDataError(f"twin diagnostics are not on the analysis grid: {dict(unpredictable.sizes)}")
    return data, unpredictable


def _unpredictable(path: PathLike) -> xr.DataArray:
    """A diagnostics file's unpredictable error (time, lat, lon) degC: a month's, or one lead's
    (:func:`sstbias.twin.run_files.write_lead_diagnostics` of a single lead)."""
    field = open_field(path, "unpredictable_error")
    return field.squeeze("lead", drop=True) if "lead" in field.dims else field


def floor_field(data: xr.Dataset, unpredictable: xr.DataArray) -> xr.DataArray:
    """The twin's best possible correction of ``data``'s days: observation - unpredictable error, NaN off the
    ocean mask (the irreducible floor)."""
    best = data["observation"] - unpredictable.values
    return best.where(data["ocean_mask"] == 1)


def static_oracle_field(data: xr.Dataset) -> xr.DataArray:
    """The static oracle of ``data``'s days (:func:`static_oracle` at every ocean cell, NaN elsewhere), with the
    forecast's coordinates and attributes."""
    ocean = data["ocean_mask"].values == 1
    predicted = np.full(data["forecast"].shape, np.nan)
    predicted[:, ocean] = static_oracle(data["forecast"].values[:, ocean], data["observation"].values[:, ocean])
    return data["forecast"].copy(data=predicted)


def ocean_error_budget(data: xr.Dataset, unpredictable: xr.DataArray) -> dict[str, float]:
    """:func:`error_budget` of ``data``'s days over its ocean cells, ``unpredictable`` on the same days and grid."""
    ocean = data["ocean_mask"].values == 1
    return error_budget(
        data["forecast"].values[:, ocean], data["observation"].values[:, ocean], unpredictable.values[:, ocean]
    )


def static_oracle(forecast: np.ndarray, observation: np.ndarray) -> np.ndarray:
    """Forecast + per-cell least-squares line in time of observation - forecast: (T, N) degC from (T, N) inputs.

    Time is the day index 0..T-1 (the days are consecutive); needs T >= 2.
    """
    error = observation - forecast
    days = np.arange(error.shape[0], dtype="float64")[:, None]
    centred = days - days.mean()
    slope = np.sum(centred * (error - error.mean(axis=0)), axis=0) / np.sum(centred**2)
    return forecast + error.mean(axis=0) + slope * centred


def error_budget(forecast: np.ndarray, observation: np.ndarray, unpredictable: np.ndarray) -> dict[str, float]:
    """The budget of (T, N) fields (test days x ocean cells, degC): scores of raw, static oracle and floor, shares.

    Keys: raw_mse, raw_rmse, raw_mae, mae_over_rmse, static_oracle_mse, static_oracle_rmse, floor_mse, floor_rmse,
    static_share, flow_dependent_share, floor_share_of_raw, mean_observed_sst, test_days, ocean_cells.
    """
    raw = observation - forecast
    oracle = observation - static_oracle(forecast, observation)
    raw_mse, oracle_mse, floor_mse = (float(np.mean(e**2)) for e in (raw, oracle, unpredictable))
    correctable = raw_mse - floor_mse
    raw_mae = float(np.mean(np.abs(raw)))
    return {
        "raw_mse": raw_mse,
        "raw_rmse": raw_mse**0.5,
        "raw_mae": raw_mae,
        "mae_over_rmse": raw_mae / raw_mse**0.5,
        "static_oracle_mse": oracle_mse,
        "static_oracle_rmse": oracle_mse**0.5,
        "floor_mse": floor_mse,
        "floor_rmse": floor_mse**0.5,
        "static_share": (raw_mse - oracle_mse) / correctable,
        "flow_dependent_share": (oracle_mse - floor_mse) / correctable,
        "floor_share_of_raw": floor_mse / raw_mse,
        "mean_observed_sst": float(np.mean(observation)),
        "test_days": int(raw.shape[0]),
        "ocean_cells": int(raw.shape[1]),
    }


def off_target(budget: dict[str, float], targets: dict[str, tuple] = REALISTIC_TARGETS) -> list[str]:
    """The budget's quantities outside ``targets``, as "name value not in [low, high]" strings."""
    misses = []
    for name, (low, high) in targets.items():
        value = budget[name]
        if (low is not None and value < low) or (high is not None and value > high):
            misses.append(f"{name} {value:.3f} not in [{low}, {high}]")
    return misses


def budget_table(budget: dict[str, float]) -> pd.DataFrame:
    """One row per component: MSE (degC^2), RMSE (degC), share of the raw MSE and of the correctable MSE."""
    correctable = budget["raw_mse"] - budget["floor_mse"]
    rows = [
        ("raw forecast error", budget["raw_mse"]),
        ("static: removed by the static oracle", budget["raw_mse"] - budget["static_oracle_mse"]),
        ("flow-dependent: static oracle - floor", budget["static_oracle_mse"] - budget["floor_mse"]),
        ("unpredictable: floor", budget["floor_mse"]),
    ]
    return pd.DataFrame(
        {
            "component": [name for name, _ in rows],
            "mse": [mse for _, mse in rows],
            "rmse": [np.sqrt(max(mse, 0.0)) for _, mse in rows],
            "share_of_raw_mse": [mse / budget["raw_mse"] for _, mse in rows],
            "share_of_correctable_mse": [
                np.nan if i in (0, 3) else mse / correctable for i, (_, mse) in enumerate(rows)
            ],
        }
    )


def budget_markdown(budget: dict[str, float], scenario: str) -> str:
    """The budget as Markdown: the component table, the three predictions' RMSE and the realistic targets."""
    table = budget_table(budget)
    lines = [
        f"Twin error budget (scenario {scenario}) on {budget['test_days']} test days x {budget['ocean_cells']} "
        "ocean cells; error = observation - daily forecast",
        "",
        "| Component | MSE (°C²) | RMSE (°C) | Share of raw MSE | Share of raw - floor MSE |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in table.itertuples(index=False):
        share = "-" if np.isnan(row.share_of_correctable_mse) else f"{row.share_of_correctable_mse:.2f}"
        lines.append(f"| {row.component} | {row.mse:.4f} | {row.rmse:.3f} | {row.share_of_raw_mse:.2f} | {share} |")
    lines += [
        "",
        f"RMSE: raw {budget['raw_rmse']:.3f} °C, static oracle {budget['static_oracle_rmse']:.3f} °C, floor "
        f"{budget['floor_rmse']:.3f} °C; raw MAE/RMSE {budget['mae_over_rmse']:.3f}; mean observed SST "
        f"{budget['mean_observed_sst']:.2f} °C.",
        "Static oracle: per cell, the least-squares line in time of observation - forecast fitted on the test days "
        "(an upper bound for any per-cell seasonal correction). Floor: observation - unpredictable error.",
    ]
    misses = off_target(budget)
    verdict = "all met" if not misses else "missed: " + "; ".join(misses)
    lines.append(f"Targets of the realistic scenario (docs/twin.md): {verdict}.")
    return "\n".join(lines) + "\n"


def write_budget(budget: dict[str, float], scenario: str, csv_path: str | os.PathLike, md_path: str | os.PathLike):
    """Write the budget as CSV (one row per quantity: ``quantity,value``, the keys of :func:`error_budget`) and
    Markdown (:func:`budget_markdown`), atomically."""
    frame = pd.DataFrame({"quantity": ["scenario", *budget], "value": [scenario, *budget.values()]})
    atomic_write(csv_path, lambda tmp: frame.to_csv(tmp, index=False, float_format="%.8g"))
    atomic_write(md_path, lambda tmp: tmp.write_text(budget_markdown(budget, scenario)))
