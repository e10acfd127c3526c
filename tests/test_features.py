"""Per-cell feature matrices: column names and order, row layout, lag logic and input checks."""

import logging

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sstbias.data.features import build_features, feature_names, resolve_features
from sstbias.errors import ConfigError, InputDataError

ALL_ON = {"forecast": True, "lat_lon": True, "doy_harmonics": 2, "lagged_forecast_days": 2}
LAND = (0, 5)  # flat indices of the land cells on the 3 x 4 grid


def coded_dataset(gap_at: int | None = None) -> xr.Dataset:
    """10 days on a 3 x 4 grid whose forecast encodes its position: 1000 * day number + flat cell index (degC).

    Day numbers start at 1 on 2021-03-01. ``gap_at`` removes that day number from the time axis. No observation:
    features never read it.
    """
    numbers = np.array([n for n in range(1, 11) if n != gap_at])
    days = pd.Timestamp("2021-02-28") + pd.to_timedelta(numbers, unit="D")
    lat, lon = np.array([12.0, 12.5, 13.0]), np.array([110.0, 110.5, 111.0, 111.5])
    forecast = (1000.0 * numbers[:, None] + np.arange(12)[None, :]).reshape(-1, 3, 4)
    mask = np.ones(12, dtype="int8")
    mask[list(LAND)] = 0
    forecast[:, mask.reshape(3, 4) == 0] = np.nan
    return xr.Dataset(
        {
            "forecast": (("time", "lat", "lon"), forecast.astype("float32"), {"units": "degC"}),
            "ocean_mask": (("lat", "lon"), mask.reshape(3, 4)),
        },
        coords={"time": days, "lat": lat, "lon": lon},
    )


def test_feature_names_follow_the_settings():
    assert feature_names(ALL_ON) == [
        "forecast",
        "lat",
        "lon",
        "doy_sin_1",
        "doy_cos_1",
        "doy_sin_2",
        "doy_cos_2",
        "forecast_lag_1",
        "forecast_lag_2",
    ]
    paper = {"forecast": True, "lat_lon": False, "doy_harmonics": 0, "lagged_forecast_days": 4}
    assert feature_names(paper) == ["forecast"] + [f"forecast_lag_{k}" for k in range(1, 5)]
    assert feature_names({}) == ["forecast", "lat", "lon", "forecast_lag_1", "forecast_lag_2", "forecast_lag_3"]


def test_matrix_layout_and_values():
    data = coded_dataset()
    days = pd.date_range("2021-03-05", periods=3)  # day numbers 5, 6, 7
    X, index = build_features(data, days, ALL_ON)
    cells = np.array([c for c in range(12) if c not in LAND])
    assert X.dtype == np.float32 and X.shape == (3 * 10, 9)
    np.testing.assert_array_equal(index.cells, cells)
    assert list(index.days) == list(days)
    rows = X.reshape(3, 10, 9)
    np.testing.assert_array_equal(rows[1, :, 0], 6000 + cells)  # the day's forecast
    np.testing.assert_array_equal(rows[1, :, 7], 5000 + cells)  # day d-1
    np.testing.assert_array_equal(rows[2, :, 8], 5000 + cells)  # day d-2
    np.testing.assert_array_equal(rows[0, :, 1], data["lat"].values[cells // 4])
    np.testing.assert_array_equal(rows[0, :, 2], data["lon"].values[cells % 4])
    doy = days.day_of_year.values  # 64, 65, 66
    np.testing.assert_allclose(rows[:, 0, 3], np.sin(2 * np.pi * doy / 365.25), rtol=1e-6)
    np.testing.assert_allclose(rows[:, 0, 6], np.cos(4 * np.pi * doy / 365.25), rtol=1e-6)


def test_index_puts_values_back_on_the_grid():
    data = coded_dataset()
    days = pd.date_range("2021-03-08", periods=2)
    X, index = build_features(data, days, {"lagged_forecast_days": 1})
    grid = index.to_grid(X[:, 0], (3, 4))
    np.testing.assert_array_equal(grid, data["forecast"].sel(time=days).values)  # NaN on land on both sides


def test_fit_drops_days_without_their_lags(caplog):
    caplog.set_level(logging.INFO, logger="sstbias.data.features")
    data = coded_dataset(gap_at=5)
    days = pd.DatetimeIndex(data["time"].values)  # day numbers 1-4, 6-10
    X, index = build_features(data, days, ALL_ON, drop_incomplete=True)
    # lags of 2 days: day numbers 1, 2 (start of data) and 6, 7 (day 5 missing) have no complete history
    assert [d.day for d in index.days] == [3, 4, 8, 9, 10]
    assert X.shape == (5 * 10, 9)
    assert "4 of 9 days dropped" in caplog.text


def test_predict_needs_every_lag():
    data = coded_dataset(gap_at=5)
    with pytest.raises(InputDataError, match="2021-03-06"):
        build_features(data, pd.date_range("2021-03-06", periods=2), ALL_ON)
    X, _ = build_features(data, pd.date_range("2021-03-06", periods=2), {**ALL_ON, "lagged_forecast_days": 0})
    assert X.shape == (20, 7)


def test_unknown_days_and_nan_forecasts_are_errors():
    data = coded_dataset()
    with pytest.raises(InputDataError, match="2021-04-01"):
        build_features(data, pd.DatetimeIndex(["2021-04-01"]), ALL_ON, drop_incomplete=True)
    data["forecast"][6, 1, 2] = np.nan  # day number 7, an ocean cell
    with pytest.raises(InputDataError, match="2021-03-07"):
        build_features(data, pd.date_range("2021-03-07", periods=2), ALL_ON)


@pytest.mark.parametrize(
    ("features", "key"),
    [
        ({"lags": 2}, "features.lags"),
        ({"lagged_forecast_days": -1}, "features.lagged_forecast_days"),
        ({"doy_harmonics": 1.5}, "features.doy_harmonics"),
        ({"lat_lon": "yes"}, "features.lat_lon"),
        ({"forecast": False, "lat_lon": False, "lagged_forecast_days": 0}, "every feature is switched off"),
    ],
)
def test_bad_settings_name_the_key(features, key):
    with pytest.raises(ConfigError, match=key):
        resolve_features(features)
