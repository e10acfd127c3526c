"""Impossible corrected fields fail before they are written (sstbias.plausible)."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sstbias.errors import InputDataError
from sstbias.plausible import check_corrected


def field(values: np.ndarray) -> xr.DataArray:
    days = pd.date_range("2021-01-01", periods=values.shape[0])
    return xr.DataArray(values, dims=("time", "lat", "lon"), coords={"time": days})


def test_a_plausible_field_passes():
    values = np.full((2, 3, 3), 20.0)
    values[:, 0, 0] = np.nan  # land
    check_corrected(field(values), "run")
    check_corrected(field(values), "run", ocean=np.isfinite(values[0]))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda v: v.__setitem__((1, 2, 2), 1.6e6), "run: impossible corrected SST on 2021-01-02: 1 of 8 ocean cells"),
        (lambda v: v.__setitem__((0, 1, 1), -6.0), "on 2021-01-01: 1 of 8 ocean cells non-finite or outside"),
        (lambda v: v.__setitem__((1, 1, 1), np.nan), "on 2021-01-02: 1 of 8 ocean cells .* \\(e.g. NaN"),
        (lambda v: v.__setitem__((0, 2, 1), np.inf), "on 2021-01-01"),
        (lambda v: v.fill(np.nan), "run: no finite corrected value at any cell"),
    ],
)
def test_impossible_fields_fail_naming_the_run_and_day(change, expected):
    values = np.full((2, 3, 3), 20.0)
    values[:, 0, 0] = np.nan
    change(values)
    with pytest.raises(InputDataError, match=expected):
        check_corrected(field(values), "run")


def test_a_hole_at_a_given_ocean_cell_fails():
    values = np.full((1, 2, 2), 20.0)
    values[0, 1, 1] = np.nan
    with pytest.raises(InputDataError, match="1 of 4 ocean cells"):
        check_corrected(field(values), "model folder M", ocean=np.ones((2, 2), dtype=bool))
