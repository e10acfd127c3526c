"""The twin writes the genuine formats, deterministically, month by month, calibrated to the paper."""

import copy
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr
import yaml

from sstbias.twin import synthesize_month
from sstbias.twin.calibration import test_period_statistics as calibration_statistics

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def generate(config: dict, month: str, folder: Path, period=None, seed=None) -> tuple[Path, Path, Path]:
    config = copy.deepcopy(config)
    if period:
        config["period"] = period
    if seed is not None:
        config["twin"]["seed"] = seed
    folder.mkdir(parents=True, exist_ok=True)
    paths = tuple(folder / f"{kind}.nc" for kind in ("hycom", "oisst", "diagnostics"))
    synthesize_month(month, config, *paths)
    return paths


def raw(path: Path, variable: str) -> np.ndarray:
    with netCDF4.Dataset(path) as ds:
        ds.set_auto_maskandscale(False)
        return ds[variable][:]


@pytest.fixture(scope="module")
def february(config, tmp_path_factory) -> tuple[Path, Path, Path]:
    return generate(config, "2021-02", tmp_path_factory.mktemp("feb"))


def test_hycom_layout(february):
    with netCDF4.Dataset(february[0]) as ds:
        temp = ds["water_temp"]
        assert temp.dimensions == ("time", "depth", "lat", "lon") and temp.dtype == np.int16
        assert temp.scale_factor == np.float32(0.001) and temp.add_offset == np.float32(20.0)
        assert temp._FillValue == -30000 and temp.units == "degC"
        assert ds["time"].units == "hours since 2000-01-01 00:00:00" and ds["time"].dtype == np.float64
        assert list(ds["depth"][:]) == [0.0]
        lat, lon = ds["lat"][:], ds["lon"][:]
        hours = ds["time"][:]
    np.testing.assert_allclose(np.diff(lat), 0.04, atol=1e-9)
    np.testing.assert_allclose(np.diff(lon), 0.08, atol=1e-9)
    assert lon.min() >= 0 and 109.0 < lon.min() < 110.0  # 0..360 convention, box grown by the margin
    np.testing.assert_allclose(np.diff(hours), 3.0)
    assert len(hours) == 28 * 8


def test_oisst_layout(february):
    with netCDF4.Dataset(february[1]) as ds:
        sst = ds["sst"]
        assert sst.dimensions == ("time", "zlev", "lat", "lon") and sst.dtype == np.int16
        assert sst.scale_factor == np.float32(0.01) and sst._FillValue == -999 and sst.units == "Celsius"
        assert ds["time"].units == "days since 1978-01-01 12:00:00" and ds["time"].dtype == np.float32
        assert set(ds.variables) >= {"anom", "err", "ice"}
        lat, time = ds["lat"][:], ds["time"][:]
    np.testing.assert_allclose(np.mod(lat - 0.125, 0.25), 0.0, atol=1e-5)
    np.testing.assert_allclose(np.diff(time), 1.0)


def test_land_is_fill_in_both(february):
    hycom = raw(february[0], "water_temp")
    oisst = raw(february[1], "sst")
    for values, fill in ((hycom, -30000), (oisst, -999)):
        land = (values == fill).all(axis=(0, 1))
        assert 0 < land.sum() < 0.1 * land.size  # a few coast/island cells
        assert not (values == fill)[:, :, ~land].any()  # ocean cells always have data


def test_decoded_values_are_realistic(february):
    sst = xr.open_dataset(february[1])["sst"]
    assert float(sst.min()) > 24.5 and float(sst.max()) < 28.5  # February in the South China Sea


def test_deterministic(config, february, tmp_path):
    again = generate(config, "2021-02", tmp_path / "again")
    other = generate(config, "2021-02", tmp_path / "other", seed=7)
    for i, variable in ((0, "water_temp"), (1, "sst")):
        assert np.array_equal(raw(february[i], variable), raw(again[i], variable))
        assert not np.array_equal(raw(february[i], variable), raw(other[i], variable))


def test_days_do_not_depend_on_the_generated_window(config, february, tmp_path):
    part = generate(config, "2021-02", tmp_path / "part", period={"start": "2021-01-20", "end": "2021-02-03"})
    assert raw(part[0], "water_temp").shape[0] == 3 * 8
    assert np.array_equal(raw(part[0], "water_temp"), raw(february[0], "water_temp")[: 3 * 8])
    assert np.array_equal(raw(part[1], "sst"), raw(february[1], "sst")[:3])


def test_diagnostics_on_the_analysis_grid(february):
    diag = xr.open_dataset(february[2])
    assert diag["unpredictable_error"].shape == (28, 51, 51)
    assert diag["truth"].attrs["units"] == "degC"
    assert 0.1 < float(np.sqrt((diag["unpredictable_error"] ** 2).mean())) < 0.5


def test_calibration_on_the_paper_test_period(config, tmp_path):
    stats = calibration_statistics(config, tmp_path)
    assert 0.50 <= stats["raw_rmse"] <= 0.55
    assert 0.36 <= stats["raw_mae"] <= 0.44
    assert 27.0 <= stats["mean_observed_sst"] <= 29.0
    assert stats["floor_rmse"] < 0.7 * stats["raw_rmse"]
    assert 0 < stats["land_cells"] < 0.05 * (stats["land_cells"] + stats["ocean_cells"])
