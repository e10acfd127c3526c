"""The paper's metrics (eqs. 12-15) on hand-computed cases, and their input checks."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sstbias.errors import InputDataError
from sstbias.evaluation.metrics import compute_metrics, improvement_pct


def fields(pred, obs, mask, days=("2021-10-20",)):
    """(prediction, observation, mask) DataArrays from nested lists shaped (time, lat, lon) and (lat, lon)."""
    dims = ("time", "lat", "lon")
    coords = {"time": pd.DatetimeIndex(days)}
    return (
        xr.DataArray(np.asarray(pred, dtype="float32"), dims=dims, coords=coords),
        xr.DataArray(np.asarray(obs, dtype="float32"), dims=dims, coords=coords),
        xr.DataArray(np.asarray(mask, dtype="int8"), dims=("lat", "lon")),
    )


def test_hand_computed_metrics():
    # errors on the 3 ocean cell-days: +1, -2, +0.5 against observations 20, 25, 10; the land cell is ignored
    pred, obs, mask = fields([[[21.0, 23.0, 10.5, 99.0]]], [[[20.0, 25.0, 10.0, np.nan]]], [[1, 1, 1, 0]])
    m = compute_metrics(pred, obs, mask)
    assert m["mse"] == pytest.approx((1 + 4 + 0.25) / 3)
    assert m["rmse"] == pytest.approx(np.sqrt(5.25 / 3))
    assert m["mae"] == pytest.approx(3.5 / 3)
    assert m["mape"] == pytest.approx(100 * (1 / 20 + 2 / 25 + 0.5 / 10) / 3)
    assert m["n"] == 3


def test_two_days_on_a_grid():
    # 2 days x (2 x 2) grid, one land cell: 6 cell-days with errors 0.5, -0.5, 0, 1, 1, -1
    pred = [[[20.5, 19.5], [30.0, 0.0]], [[21.0, 21.0], [29.0, 0.0]]]
    obs = [[[20.0, 20.0], [30.0, np.nan]], [[20.0, 20.0], [30.0, np.nan]]]
    m = compute_metrics(*fields(pred, obs, [[1, 1], [1, 0]], days=("2021-10-20", "2021-10-21")))
    assert m["n"] == 6
    assert m["mse"] == pytest.approx((0.25 + 0.25 + 0 + 1 + 1 + 1) / 6)
    assert m["mae"] == pytest.approx(4.0 / 6)
    assert m["mape"] == pytest.approx(100 * (0.5 / 20 + 0.5 / 20 + 0 + 1 / 20 + 1 / 20 + 1 / 30) / 6)


def test_nan_on_ocean_is_an_error_never_dropped():
    pred, obs, mask = fields([[[np.nan, 1.0]]], [[[20.0, 1.0]]], [[1, 1]])
    with pytest.raises(InputDataError, match="prediction has 1 NaN"):
        compute_metrics(pred, obs, mask)
    pred, obs, mask = fields([[[20.0, 1.0]]], [[[np.nan, 1.0]]], [[1, 1]])
    with pytest.raises(InputDataError, match="observation has 1 NaN"):
        compute_metrics(pred, obs, mask)


def test_mismatched_fields_are_errors():
    pred, obs, mask = fields([[[21.0]]], [[[20.0]]], [[1]])
    with pytest.raises(InputDataError, match="time coordinates"):
        compute_metrics(pred, obs.assign_coords(time=pd.DatetimeIndex(["2021-10-21"])), mask)
    with pytest.raises(InputDataError, match="sizes"):
        compute_metrics(pred, obs.isel(time=[0, 0]), mask)
    with pytest.raises(InputDataError, match="MAPE is undefined"):
        compute_metrics(pred, obs * 0, mask)


def test_improvement_matches_the_paper():
    # the paper's ConvGRU-SA against the uncorrected forecast: (0.52 - 0.32) / 0.52
    assert improvement_pct(0.52, 0.32) == pytest.approx(38.46, abs=0.01)
    assert improvement_pct(0.52, 0.41) == pytest.approx(21.15, abs=0.01)  # LightGBM, printed 21.2
    assert improvement_pct(0.5, 0.6) == pytest.approx(-20.0)
