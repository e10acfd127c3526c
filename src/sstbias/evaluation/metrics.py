"""The paper's verification metrics (eqs. 12-15) over ocean cells and test days.

With y the observation and y^ the prediction (degC) over the n ocean cell-days:
MSE = 1/n sum (y - y^)^2 (degC^2), RMSE = sqrt(MSE) (degC), MAE = 1/n sum |y - y^| (degC) and
MAPE = 100/n sum |(y - y^) / y| (%, y in degC as in the paper).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.errors import InputDataError


def _ocean_values(
    prediction: xr.DataArray, observation: xr.DataArray, mask: xr.DataArray
) -> tuple[np.ndarray, np.ndarray]:
    """(prediction, observation) float64 (n_days, n_ocean_cells) on the cells where ``mask`` (lat, lon) is 1.

    Both fields are (time, lat, lon) on the same days and grid (coordinates, where both carry them, must be
    equal); a NaN or infinite value of either on an ocean cell is an InputDataError, never dropped.
    """
    if prediction.sizes != observation.sizes:
        raise InputDataError(
            f"prediction sizes {dict(prediction.sizes)} differ from observation {dict(observation.sizes)}"
        )
    for dim in ("time", "lat", "lon"):
        both = dim in prediction.coords and dim in observation.coords
        if both and not np.array_equal(prediction[dim].values, observation[dim].values):
            raise InputDataError(f"prediction and observation have different {dim} coordinates")
    ocean = mask.transpose("lat", "lon").values == 1
    y = observation.transpose("time", "lat", "lon").values[:, ocean].astype("float64")
    yhat = prediction.transpose("time", "lat", "lon").values[:, ocean].astype("float64")
    for name, values in (("prediction", yhat), ("observation", y)):
        bad = ~np.isfinite(values)
        if bad.any():
            raise InputDataError(f"{name} has {int(bad.sum())} NaN/inf values on ocean cells")
    return yhat, y


def daily_error_sums(prediction: xr.DataArray, observation: xr.DataArray, mask: xr.DataArray) -> pd.DataFrame:
    """One row per day: ``date``, ``n`` ocean cells, ``sse`` (degC^2), ``sae`` and ``sum_error`` (degC).

    The per-day sums from which any period's scores and their bootstrap intervals follow.
    """
    yhat, y = _ocean_values(prediction, observation, mask)
    error = yhat - y
    return pd.DataFrame(
        {
            "date": pd.DatetimeIndex(observation["time"].values).strftime("%Y-%m-%d"),
            "n": np.full(error.shape[0], error.shape[1]),
            "sse": (error**2).sum(axis=1),
            "sae": np.abs(error).sum(axis=1),
            "sum_error": error.sum(axis=1),
        }
    )


def compute_metrics(prediction: xr.DataArray, observation: xr.DataArray, mask: xr.DataArray) -> dict[str, float]:
    """MSE (degC^2), RMSE, MAE (degC), MAPE (%) of ``prediction`` against ``observation`` on ocean cells.

    ``prediction`` and ``observation`` are (time, lat, lon) in degC on the same days and grid; ``mask`` (lat, lon)
    is 1 on ocean cells. MAPE = 100/n * sum |(y - yhat) / y| with y the observation in degC (paper eq. 15).
    A NaN prediction or observation on an ocean cell is an error, never dropped. ``n`` counts the cell-days.
    """
    yhat, y = _ocean_values(prediction, observation, mask)
    if y.size == 0:
        raise InputDataError("no ocean cell-days to score")
    if (y == 0).any():
        raise InputDataError(f"MAPE is undefined: the observation is 0 degC on {int((y == 0).sum())} cell-days")
    error = yhat - y
    mse = float(np.mean(error**2))
    return {
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
        "mae": float(np.mean(np.abs(error))),
        "mape": float(100.0 * np.mean(np.abs(error / y))),
        "n": int(error.size),
    }


def skill_score(mse: float, mse_reference: float) -> float:
    """MSE skill score against a reference: 1 - MSE / MSE_reference (1 perfect, 0 no better, < 0 worse)."""
    return 1.0 - mse / mse_reference


def improvement_pct(rmse_raw: float, rmse: float) -> float:
    """Relative RMSE reduction against the uncorrected forecast, in percent (paper: (0.52-0.32)/0.52 = 38.4)."""
    return 100.0 * (rmse_raw - rmse) / rmse_raw


def gap_closed(rmse_raw: float, rmse: float, rmse_floor: float) -> float:
    """The share of the correctable error a model removes, (RMSE_raw - RMSE) / (RMSE_raw - RMSE_floor), with the
    twin's irreducible floor ``rmse_floor`` (all degC; NaN floor: NaN)."""
    return (rmse_raw - rmse) / (rmse_raw - rmse_floor)
