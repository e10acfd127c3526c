"""The twin writes the genuine formats, deterministically, month by month, calibrated to the paper."""

import copy
import dataclasses
import hashlib
import json
from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from synthetic import aligned_dataset

from sstbias.data.split import chronological_split, save_split
from sstbias.errors import InputDataError
from sstbias.grid import Box
from sstbias.netcdf import PREDICTION, open_field
from sstbias.period import period_days
from sstbias.stages import budget as budget_stage
from sstbias.twin import synthesize_month
from sstbias.twin.budget import (
    REALISTIC_TARGETS,
    error_budget,
    floor_field,
    ocean_error_budget,
    off_target,
    read_test_days,
    static_oracle,
    static_oracle_field,
)
from sstbias.twin.calibration import aligned_test_period
from sstbias.twin.calibration import test_period_statistics as calibration_statistics
from sstbias.twin.fields import days_since_epoch
from sstbias.twin.scenarios import SCENARIOS, scenario_parameters
from sstbias.twin.storms import storm_catalogue, storms_in, wake_field

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def generate(
    config: dict, month: str, folder: Path, period=None, seed=None, scenario=None, parameters=None
) -> tuple[Path, Path, Path]:
    config = copy.deepcopy(config)
    if period:
        config["period"] = period
    if seed is not None:
        config["twin"]["seed"] = seed
    if scenario is not None:
        config["twin"]["scenario"] = scenario
    folder.mkdir(parents=True, exist_ok=True)
    paths = tuple(folder / f"{kind}.nc" for kind in ("hycom", "oisst", "diagnostics"))
    synthesize_month(month, config, *paths, parameters=parameters)
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
    # February in the South China Sea (11.5-16.5N with the margin; the realistic eddies reach 1-2.4 degC)
    assert float(sst.min()) > 23.5 and float(sst.max()) < 28.5


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_deterministic(config, scenario, tmp_path):
    first = generate(config, "2021-02", tmp_path / "first", scenario=scenario)
    again = generate(config, "2021-02", tmp_path / "again", scenario=scenario)
    other = generate(config, "2021-02", tmp_path / "other", seed=7, scenario=scenario)
    for i, variable in ((0, "water_temp"), (1, "sst")):
        assert np.array_equal(raw(first[i], variable), raw(again[i], variable))
        assert not np.array_equal(raw(first[i], variable), raw(other[i], variable))


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_days_do_not_depend_on_the_generated_window(config, scenario, tmp_path):
    """A day's values are the same whichever window is generated (the state error's history included)."""
    whole = generate(config, "2021-12", tmp_path / "whole", scenario=scenario)
    part = generate(
        config, "2021-12", tmp_path / "part", period={"start": "2021-11-20", "end": "2021-12-03"}, scenario=scenario
    )
    late = generate(
        config, "2021-12", tmp_path / "late", period={"start": "2021-12-18", "end": "2022-01-05"}, scenario=scenario
    )
    assert raw(part[0], "water_temp").shape[0] == 3 * 8
    assert np.array_equal(raw(part[0], "water_temp"), raw(whole[0], "water_temp")[: 3 * 8])
    assert np.array_equal(raw(part[1], "sst"), raw(whole[1], "sst")[:3])
    assert np.array_equal(raw(late[0], "water_temp"), raw(whole[0], "water_temp")[17 * 8 :])
    assert np.array_equal(raw(late[2], "unpredictable_error"), raw(whole[2], "unpredictable_error")[17:])


def fingerprints(paths) -> dict[str, str]:
    """sha256 of every stored variable (raw, unscaled) of a twin month's three files."""
    out = {}
    for kind, path in zip(("hycom", "oisst", "diagnostics"), paths, strict=True):
        with netCDF4.Dataset(path) as ds:
            ds.set_auto_maskandscale(False)
            for name in sorted(ds.variables):
                out[f"{kind}/{name}"] = hashlib.sha256(ds[name][:].tobytes()).hexdigest()
    return out


@pytest.mark.parametrize("month", ["2021-02", "2021-12"])
def test_bias_dominated_is_the_first_twin_bit_for_bit(config, month, tmp_path):
    """Every stored array equals the files written by the base commit (tests/data, before the scenarios)."""
    reference = json.loads((REPO / "tests" / "data" / "twin_bias_dominated_base.json").read_text())
    paths = generate(config, month, tmp_path, scenario="bias_dominated")
    assert fingerprints(paths) == reference["months"][month]


def test_the_scenarios_differ(config, february, tmp_path):
    other = generate(config, "2021-02", tmp_path, scenario="bias_dominated")
    assert not np.array_equal(raw(february[0], "water_temp"), raw(other[0], "water_temp"))


def test_diagnostics_on_the_analysis_grid(february):
    diag = xr.open_dataset(february[2])
    assert diag["unpredictable_error"].shape == (28, 51, 51)
    assert diag["truth"].attrs["units"] == "degC"
    assert 0.1 < float(np.sqrt((diag["unpredictable_error"] ** 2).mean())) < 0.5


def test_calibration_on_the_paper_test_period(config, tmp_path):
    """The realistic scenario (the default) meets every target fixed from the paper's Table 1."""
    assert config["twin"]["scenario"] == "realistic"
    stats = calibration_statistics(config, tmp_path)
    assert off_target(stats) == []
    assert set(REALISTIC_TARGETS) <= set(stats)
    assert stats["test_days"] == 73 and stats["ocean_cells"] == 2537
    assert 0 < stats["land_cells"] < 0.05 * (stats["land_cells"] + stats["ocean_cells"])


def test_bias_dominated_budget_is_a_per_cell_bias(config, tmp_path):
    """The first twin's numbers (docs/twin.md): raw RMSE 0.515, floor 0.276, a per-cell line closes the gap."""
    config = copy.deepcopy(config)
    config["twin"]["scenario"] = "bias_dominated"
    stats = calibration_statistics(config, tmp_path)
    assert stats["raw_rmse"] == pytest.approx(0.5149, abs=5e-4)
    assert stats["floor_rmse"] == pytest.approx(0.2758, abs=5e-4)
    assert stats["static_share"] > 0.95


def test_storms_cross_the_box_in_the_test_period(config):
    """At least two storms pass through the box on the default test days, each cooling the truth by over 1 degC."""
    test = chronological_split(period_days(config["period"]), 0.8, 0.1)["test"]
    box = Box.from_config(config["box"])
    storms = storm_catalogue(config["twin"]["seed"], box, range(2020, 2023))
    assert storms_in(storms, box, test[0], test[-1]) >= 2
    lat, lon = np.arange(12.0, 16.01, 0.08), np.arange(110.0, 114.01, 0.08)
    parameters = scenario_parameters(config["twin"])
    wake = wake_field(days_since_epoch(test) + 0.5, lat, lon, storms, parameters.true_wakes)
    cold_days = (wake.min(axis=(1, 2)) < -1.0).sum()
    assert cold_days >= 10


def test_the_unpredictable_part_is_in_no_forecast_file(config, tmp_path):
    """Changing the unresolved variability and the observation noise changes the observation, not the forecast."""
    base = scenario_parameters(config["twin"])
    louder = dataclasses.replace(base, random_rms=0.5, observation_noise=0.1)
    usual = generate(config, "2021-11", tmp_path / "usual", period={"start": "2021-11-01", "end": "2021-11-05"})
    other = generate(
        config, "2021-11", tmp_path / "other", period={"start": "2021-11-01", "end": "2021-11-05"}, parameters=louder
    )
    assert np.array_equal(raw(usual[0], "water_temp"), raw(other[0], "water_temp"))
    assert not np.array_equal(raw(usual[1], "sst"), raw(other[1], "sst"))


def test_no_forecast_only_oracle_beats_the_floor(config, tmp_path):
    """A linear corrector of the floor's residual from forecast features (fitted on November, scored on December)
    does not beat the floor: the unpredictable part is independent of the forecast."""
    data, unpredictable = aligned_test_period(config, tmp_path)
    ocean = data["ocean_mask"].values == 1
    forecast = data["forecast"].values[:, ocean]
    residual = unpredictable[:, ocean]  # observation - floor prediction
    change = np.vstack([np.zeros((1, forecast.shape[1])), np.diff(forecast, axis=0)])
    features = np.stack([np.ones_like(forecast), forecast, change, forecast - forecast.mean(axis=0)], axis=-1)
    months = pd.DatetimeIndex(data["time"].values).month
    fit, predict = months == 11, months == 12
    coefficients, *_ = np.linalg.lstsq(features[fit].reshape(-1, 4), residual[fit].ravel(), rcond=None)
    floor_mse = np.mean(residual[predict] ** 2)
    oracle_mse = np.mean((residual[predict] - features[predict] @ coefficients) ** 2)
    assert oracle_mse >= 0.99 * floor_mse


def test_static_oracle_removes_a_per_cell_line_exactly():
    rng = np.random.default_rng(0)
    forecast = rng.normal(28.0, 1.0, (30, 5))
    line = rng.normal(0, 1, 5) + rng.normal(0, 0.01, 5) * np.arange(30)[:, None]
    np.testing.assert_allclose(static_oracle(forecast, forecast + line), forecast + line, atol=1e-10)


def test_budget_shares_add_up():
    rng = np.random.default_rng(1)
    forecast = rng.normal(28.0, 1.0, (40, 20))
    unpredictable = rng.normal(0, 0.3, (40, 20))
    observation = forecast + 0.4 + rng.normal(0, 0.5, (40, 20)) + unpredictable
    budget = error_budget(forecast, observation, unpredictable)
    assert budget["static_share"] + budget["flow_dependent_share"] == pytest.approx(1.0)
    assert budget["floor_mse"] < budget["static_oracle_mse"] < budget["raw_mse"]
    assert budget["mae_over_rmse"] < 1.0


def _budget_files(tmp_path, diagnostic_days=None):
    """An aligned file (synthetic), its split (the last 20 days are the test) and a diagnostics file."""
    data = aligned_dataset(n_days=60, shape=(4, 5))
    data.to_netcdf(tmp_path / "aligned.nc")
    days = pd.DatetimeIndex(data["time"].values)
    split = {"train": days[:30], "validation": days[30:40], "test": days[40:]}
    save_split(split, tmp_path / "split.json", tmp_path / "split.csv")
    kept = days if diagnostic_days is None else diagnostic_days
    rng = np.random.default_rng(2)
    coords = {"time": kept + pd.Timedelta(hours=12), "lat": data["lat"], "lon": data["lon"]}
    unpredictable = xr.DataArray(rng.normal(0, 0.2, (len(kept), 4, 5)), dims=("time", "lat", "lon"), coords=coords)
    unpredictable.to_dataset(name="unpredictable_error").to_netcdf(tmp_path / "diagnostics.nc")
    return [tmp_path / "aligned.nc", tmp_path / "split.json", [tmp_path / "diagnostics.nc"]]


def test_budget_reads_the_test_days_and_writes_both_oracles_as_predictions(tmp_path):
    files = _budget_files(tmp_path)
    data, unpredictable = read_test_days(*files)
    assert data.sizes["time"] == 20 and unpredictable.shape == data["observation"].shape
    assert (pd.DatetimeIndex(unpredictable["time"].values) == pd.DatetimeIndex(data["time"].values)).all()
    ocean = data["ocean_mask"].values == 1
    floor = floor_field(data, unpredictable)
    np.testing.assert_allclose(
        floor.values[:, ocean], (data["observation"] - unpredictable.values).values[:, ocean], rtol=0, atol=1e-6
    )
    assert np.isnan(floor.values[:, ~ocean]).all() and np.isnan(static_oracle_field(data).values[:, ~ocean]).all()
    budget = ocean_error_budget(data, unpredictable)
    assert budget["test_days"] == 20 and budget["ocean_cells"] == int(ocean.sum())
    budget_stage.floor_prediction(*files, tmp_path / "floor.nc")
    budget_stage.static_oracle_prediction(*files, tmp_path / "static_oracle.nc")
    for name in ("floor", "static_oracle"):
        written = open_field(tmp_path / f"{name}.nc", PREDICTION)
        assert written.attrs["long_name"] == f"bias-corrected SST ({name})"
        assert written.attrs["units"] == "degC" and written.attrs["standard_name"] == "sea_surface_temperature"


def test_budget_refuses_diagnostics_without_a_test_day(tmp_path):
    days = pd.DatetimeIndex(aligned_dataset(n_days=60, shape=(4, 5))["time"].values)
    files = _budget_files(tmp_path, diagnostic_days=days[:50])
    with pytest.raises(InputDataError, match="twin diagnostics lack test days"):
        read_test_days(*files)
