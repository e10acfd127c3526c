"""Per-cell tabular samples for the tree models (random_forest, lightgbm).

One sample per (day, ocean cell). Columns, in order, as enabled by the config's ``features`` section:
``forecast`` (the day's forecast, degC), ``lat``/``lon`` (degrees), ``doy_sin_j``/``doy_cos_j`` for
j = 1..``doy_harmonics`` (sin/cos of 2*pi*j*doy/365.25), and ``forecast_lag_k`` for k = 1..``lagged_forecast_days``
(the forecast of day d-k at the same cell, degC).

The paper's setting corresponds to ``forecast: true`` with ``lagged_forecast_days`` = its input sequence length
minus one, no position or calendar features, and target ``observation``: its inputs are sequences of forecast
fields X_n (n = 1, 2, 3, ...) and its label the observed field. Our default adds position and calendar features
and predicts the residual (observation - forecast), which tree models learn more easily.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.errors import InputDataError

log = logging.getLogger("sstbias.features")

DAYS_PER_YEAR = 365.25


def feature_names(features: dict) -> list[str]:
    """Column names of :func:`build_features` for the ``features`` settings."""
    names = ["forecast"] if features.get("forecast", True) else []
    if features.get("lat_lon", True):
        names += ["lat", "lon"]
    for j in range(1, features.get("doy_harmonics", 0) + 1):
        names += [f"doy_sin_{j}", f"doy_cos_{j}"]
    names += [f"forecast_lag_{k}" for k in range(1, features.get("lagged_forecast_days", 0) + 1)]
    return names


def usable_days(data: xr.Dataset, days: pd.DatetimeIndex, features: dict, strict: bool) -> pd.DatetimeIndex:
    """The ``days`` whose lagged forecasts are all in ``data``.

    With ``strict`` (prediction), a day lacking them raises InputDataError naming it; otherwise (fitting) such
    days are dropped and counted in the log.
    """
    available = pd.DatetimeIndex(data["time"].values)
    lags = features.get("lagged_forecast_days", 0)
    complete = np.ones(len(days), dtype=bool)
    for k in range(1, lags + 1):
        complete &= (days - pd.Timedelta(days=k)).isin(available)
    if not complete.all():
        if strict:
            raise InputDataError(
                f"forecasts of the {lags} days before {days[~complete][0].date()} are needed and not all available"
            )
        log.info(
            "%d of %d days dropped: their %d lagged forecast days are not all available",
            (~complete).sum(),
            len(days),
            lags,
        )
    return days[complete]


def build_features(data: xr.Dataset, days: pd.DatetimeIndex, features: dict) -> tuple[np.ndarray, np.ndarray]:
    """Samples for every ocean cell of ``days`` (all must have their lags): X (n_days * n_cells, n_features).

    Also returns the flat ocean-cell indices (n_cells,) into (lat, lon), so rows map back to (day, cell) in
    day-major order. Reads only the forecast, never the observation.
    """
    ocean = np.flatnonzero(data["ocean_mask"].values.ravel() == 1)
    forecast = data["forecast"]
    n_lat, n_lon = data.sizes["lat"], data.sizes["lon"]
    flat = forecast.values.reshape(forecast.sizes["time"], n_lat * n_lon)[:, ocean]
    position = pd.DatetimeIndex(forecast["time"].values).get_indexer(days)
    columns: list[np.ndarray] = []
    if features.get("forecast", True):
        columns.append(flat[position])
    if features.get("lat_lon", True):
        lat2d, lon2d = np.meshgrid(data["lat"].values, data["lon"].values, indexing="ij")
        columns += [np.broadcast_to(g.ravel()[ocean], (len(days), ocean.size)) for g in (lat2d, lon2d)]
    phase = 2 * np.pi * days.dayofyear.values / DAYS_PER_YEAR
    for j in range(1, features.get("doy_harmonics", 0) + 1):
        for fn in (np.sin, np.cos):
            columns.append(np.broadcast_to(fn(j * phase)[:, None], (len(days), ocean.size)))
    all_days = pd.DatetimeIndex(forecast["time"].values)
    for k in range(1, features.get("lagged_forecast_days", 0) + 1):
        columns.append(flat[all_days.get_indexer(days - pd.Timedelta(days=k))])
    X = np.stack([c.reshape(-1) for c in columns], axis=1).astype("float32")
    return X, ocean
