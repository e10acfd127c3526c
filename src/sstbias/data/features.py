"""Per-cell tabular samples of the tree correctors (random_forest, lightgbm).

One sample per (day, ocean cell), rows day-major (all ocean cells of the first day, then of the second, ...).
Columns, in this order, as enabled by the config's ``features`` section:

- ``forecast`` (bool): the day's forecast at the cell, degC;
- ``lat_lon`` (bool): the cell's latitude and longitude, degrees;
- ``doy_harmonics`` (int k >= 0): ``doy_sin_j``, ``doy_cos_j`` = sin, cos(2 pi j doy / 365.25) for j = 1..k;
- ``lagged_forecast_days`` (int L >= 0): ``forecast_lag_l``, the forecast of day d - l at the same cell (degC),
  for l = 1..L.

Only forecasts are read, never observations. A day whose L previous days are not all in the data cannot be
built: fitting drops it (the count is logged), prediction raises :class:`~sstbias.errors.InputDataError`
naming it.

**The paper's setting.** Its inputs are sequences of forecast fields X_n (n = 1, 2, 3, ...) and its label is the
observed field. The matching tabular setting is ``forecast: true`` with ``lagged_forecast_days`` = sequence
length - 1, ``lat_lon: false``, ``doy_harmonics: 0`` and the tree models' ``target: observation``. The
workflow's default adds the position and predicts the residual (observation - forecast), which trees learn more
easily from few samples.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.errors import ConfigError, InputDataError

log = logging.getLogger("sstbias.data.features")

DAYS_PER_YEAR = 365.25
DEFAULTS = {"forecast": True, "lat_lon": True, "doy_harmonics": 0, "lagged_forecast_days": 3}


@dataclass(frozen=True)
class SampleIndex:
    """Where the rows of a feature matrix come from: row r is day ``days[r // n_cells]``, cell ``cells[r % n_cells]``.

    ``days`` are the days actually built (n_days,); ``cells`` the flat indices (n_cells,) of the ocean cells into
    the (lat, lon) grid, ascending.
    """

    days: pd.DatetimeIndex
    cells: np.ndarray

    def to_grid(self, values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        """Per-sample ``values`` (n_days * n_cells,) placed on a float64 (n_days, H, W) grid, NaN off the cells."""
        out = np.full((len(self.days), shape[0] * shape[1]), np.nan)
        out[:, self.cells] = np.asarray(values).reshape(len(self.days), self.cells.size)
        return out.reshape(len(self.days), *shape)


def resolve_features(features: dict) -> dict:
    """The ``features`` settings completed with :data:`DEFAULTS` and checked (ConfigError naming the key)."""
    unknown = sorted(set(features) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"features.{unknown[0]}: unknown feature setting (known: {sorted(DEFAULTS)})")
    resolved = {**DEFAULTS, **features}
    for key in ("forecast", "lat_lon"):
        if not isinstance(resolved[key], bool):
            raise ConfigError(f"features.{key}: must be true or false, got {resolved[key]!r}")
    for key in ("doy_harmonics", "lagged_forecast_days"):
        value = resolved[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"features.{key}: must be an integer >= 0, got {value!r}")
    if not feature_names(resolved):
        raise ConfigError("features: every feature is switched off")
    return resolved


def feature_names(features: dict) -> list[str]:
    """Column names of :func:`build_features` for the ``features`` settings, in column order."""
    settings = {**DEFAULTS, **features}
    names = ["forecast"] if settings["forecast"] else []
    if settings["lat_lon"]:
        names += ["lat", "lon"]
    for j in range(1, settings["doy_harmonics"] + 1):
        names += [f"doy_sin_{j}", f"doy_cos_{j}"]
    names += [f"forecast_lag_{lag}" for lag in range(1, settings["lagged_forecast_days"] + 1)]
    return names


def build_features(
    data: xr.Dataset, days: pd.DatetimeIndex, features: dict, drop_incomplete: bool = False
) -> tuple[np.ndarray, SampleIndex]:
    """Feature matrix X float32 (n_days * n_cells, n_features) of the ocean cells of ``days``, and its index.

    ``data`` needs ``forecast(time, lat, lon)`` degC and ``ocean_mask(lat, lon)`` (1 = ocean). Every day of
    ``days`` must be in ``data`` (InputDataError otherwise). A day lacking one of its lagged forecast days is
    dropped (and counted in the log) with ``drop_incomplete`` (fitting), an InputDataError naming it otherwise
    (prediction). A NaN forecast on an ocean cell is an InputDataError.
    """
    settings = resolve_features(features)
    available = pd.DatetimeIndex(data["time"].values)
    days = _complete_days(available, pd.DatetimeIndex(days), settings["lagged_forecast_days"], drop_incomplete)
    cells = np.flatnonzero(data["ocean_mask"].values.ravel() == 1)
    forecast = data["forecast"].transpose("time", "lat", "lon").values
    forecast = forecast.reshape(forecast.shape[0], -1)[:, cells]  # (all days, n_cells)

    names = feature_names(settings)
    X = np.empty((len(days), cells.size, len(names)), dtype="float32")
    columns = iter(range(len(names)))
    position = available.get_indexer(days)
    if settings["forecast"]:
        X[:, :, next(columns)] = forecast[position]
    if settings["lat_lon"]:
        lat, lon = np.meshgrid(data["lat"].values, data["lon"].values, indexing="ij")
        X[:, :, next(columns)] = lat.ravel()[cells]
        X[:, :, next(columns)] = lon.ravel()[cells]
    phase = 2 * np.pi * days.day_of_year.values / DAYS_PER_YEAR
    for j in range(1, settings["doy_harmonics"] + 1):
        X[:, :, next(columns)] = np.sin(j * phase)[:, None]
        X[:, :, next(columns)] = np.cos(j * phase)[:, None]
    for lag in range(1, settings["lagged_forecast_days"] + 1):
        X[:, :, next(columns)] = forecast[available.get_indexer(days - pd.Timedelta(days=lag))]

    missing = np.isnan(X).any(axis=(1, 2))
    if missing.any():
        raise InputDataError(
            f"forecast is NaN on ocean cells for {int(missing.sum())} day(s) (or their lagged days), "
            f"first {days[missing][0].date()}"
        )
    return X.reshape(-1, len(names)), SampleIndex(days, cells)


def _complete_days(
    available: pd.DatetimeIndex, days: pd.DatetimeIndex, lags: int, drop_incomplete: bool
) -> pd.DatetimeIndex:
    """``days`` whose forecast and lagged forecasts are all ``available`` (see :func:`build_features`)."""
    absent = days[~days.isin(available)]
    if len(absent):
        raise InputDataError(f"{len(absent)} requested day(s) are not in the data, first {absent[0].date()}")
    complete = np.ones(len(days), dtype=bool)
    for lag in range(1, lags + 1):
        complete &= (days - pd.Timedelta(days=lag)).isin(available)
    if complete.all():
        return days
    if not drop_incomplete:
        raise InputDataError(
            f"{days[~complete][0].date()}: the forecasts of its {lags} previous days (features.lagged_forecast_days)"
            " are not all in the data"
        )
    log.info(
        "%d of %d days dropped: the forecasts of their %d previous days are not all in the data",
        int((~complete).sum()),
        len(days),
        lags,
    )
    return days[complete]
