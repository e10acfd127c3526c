"""Every baseline beats the raw forecast on learnable errors, round-trips through disk, reads observations of its
fit days only and none when predicting."""

import logging

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sstbias.baselines.registry import corrector_class
from sstbias.errors import ConfigError, InputDataError
from sstbias.evaluation.metrics import compute_metrics

FEATURES = {"forecast": True, "lat_lon": True, "doy_harmonics": 0, "lagged_forecast_days": 2}
CASES = {  # case -> (model, small settings)
    "raw": ("raw", {}),
    "climatology": ("climatology", {"by": "dayofyear", "window_days": 15}),
    "climatology_all": ("climatology", {"by": "all"}),
    "quantile_mapping": ("quantile_mapping", {"nquantiles": 20}),
    "quantile_mapping_qdm": ("quantile_mapping", {"kind": "qdm", "nquantiles": 20}),
    "random_forest": ("random_forest", {"n_estimators": 20, "min_samples_leaf": 5, "max_train_samples": 6000}),
    "lightgbm": ("lightgbm", {"n_estimators": 100, "num_leaves": 15, "max_train_samples": 6000}),
}
N_DAYS, N_FIT = 120, 96  # chronological split: the last 20 % of days are predicted


def aligned_dataset(n_days: int = N_DAYS, shape: tuple[int, int] = (12, 10), seed: int = 0) -> xr.Dataset:
    """A deterministic aligned dataset from 2021-01-01 with 4 land cells.

    observation = forecast - (spatial bias + slowly drifting seasonal bias) - 0.4 * (forecast - forecast of the
    day before) + noise, so a per-cell mean bias is learnable by every corrector and the lag term by the trees.
    """
    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-01-01", periods=n_days, freq="D")
    lat = 12.0 + 0.08 * np.arange(shape[0])
    lon = 110.0 + 0.08 * np.arange(shape[1])
    t = np.arange(n_days)[:, None, None]
    pattern = np.sin(np.arange(shape[0]))[:, None] * np.cos(0.5 * np.arange(shape[1]))[None, :]
    truth = 26.0 + 1.5 * np.sin(2 * np.pi * (t - 60) / 365.25) + 0.5 * pattern
    truth = truth + 0.1 * rng.standard_normal((n_days, *shape)).cumsum(axis=0)
    forecast = truth + 0.3 * rng.standard_normal((n_days, *shape))
    bias = 0.4 + 0.3 * pattern + 0.2 * t / n_days
    jump = forecast - np.concatenate([forecast[:1], forecast[:-1]])
    observation = forecast - bias - 0.4 * jump + 0.05 * rng.standard_normal((n_days, *shape))
    mask = np.ones(shape, dtype="int8")
    mask[0, :3] = 0
    mask[-1, -1] = 0
    forecast[:, mask == 0] = np.nan
    observation[:, mask == 0] = np.nan
    degc = {"units": "degC"}
    return xr.Dataset(
        {
            "forecast": (("time", "lat", "lon"), forecast.astype("float32"), degc),
            "observation": (("time", "lat", "lon"), observation.astype("float32"), degc),
            "ocean_mask": (("lat", "lon"), mask),
        },
        coords={"time": days, "lat": lat, "lon": lon},
    )


@pytest.fixture(scope="module")
def data() -> xr.Dataset:
    return aligned_dataset()


@pytest.fixture(scope="module")
def fit_days(data) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(data["time"].values[:N_FIT])


@pytest.fixture(scope="module")
def test_days(data) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(data["time"].values[N_FIT:])


def build(case: str, seed: int = 1, n_jobs: int = 1):
    model, settings = CASES[case]
    return corrector_class(model)(settings, FEATURES, seed=seed, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def fitted(data, fit_days) -> dict:
    models = {}
    for case in CASES:
        models[case] = build(case)
        models[case].fit(data, fit_days)
    return models


@pytest.fixture(scope="module")
def predictions(data, test_days, fitted) -> dict:
    return {case: model.predict(data, test_days) for case, model in fitted.items()}


def rmse(data: xr.Dataset, prediction: xr.DataArray) -> float:
    observation = data["observation"].sel(time=prediction["time"])
    return compute_metrics(prediction, observation, data["ocean_mask"])["rmse"]


@pytest.mark.parametrize("case", [c for c in CASES if c != "raw"])
def test_beats_raw(data, predictions, case):
    raw, corrected = rmse(data, predictions["raw"]), rmse(data, predictions[case])
    assert corrected < 0.8 * raw, (case, corrected, raw)


def test_trees_learn_the_lag_term(data, predictions):
    assert rmse(data, predictions["lightgbm"]) < 0.8 * rmse(data, predictions["climatology"])


def test_raw_is_the_forecast(data, test_days, predictions):
    np.testing.assert_array_equal(predictions["raw"].values, data["forecast"].sel(time=test_days).values)


@pytest.mark.parametrize("case", list(CASES))
def test_prediction_is_a_masked_field(data, test_days, predictions, case):
    out = predictions[case]
    assert out.dims == ("time", "lat", "lon") and out.dtype == np.float32
    assert list(out["time"].values) == list(test_days.values)
    assert out.attrs == {}  # a prediction file's attributes are sstbias.netcdf.write_prediction's
    ocean = data["ocean_mask"].values == 1
    assert np.isfinite(out.values[:, ocean]).all() and np.isnan(out.values[:, ~ocean]).all()


@pytest.mark.parametrize("case", list(CASES))
def test_save_load_round_trip(data, test_days, fitted, predictions, case, tmp_path):
    path = tmp_path / "model.nc"
    fitted[case].save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["model.nc"]  # no temporary file left behind
    loaded = type(fitted[case]).load(path)
    np.testing.assert_array_equal(loaded.predict(data, test_days).values, predictions[case].values)


@pytest.mark.parametrize("case", list(CASES))
def test_predict_never_reads_observations(data, test_days, fitted, predictions, case):
    garbage = data.copy(deep=True)
    garbage["observation"][:] = np.nan
    np.testing.assert_array_equal(fitted[case].predict(garbage, test_days).values, predictions[case].values)
    garbage = garbage.drop_vars("observation")
    np.testing.assert_array_equal(fitted[case].predict(garbage, test_days).values, predictions[case].values)


@pytest.mark.parametrize("case", list(CASES))
def test_fit_reads_observations_of_fit_days_only(data, fit_days, test_days, predictions, case):
    garbage = data.copy(deep=True)
    garbage["observation"][N_FIT:] = -999.0
    model = build(case)
    model.fit(garbage, fit_days)
    np.testing.assert_array_equal(model.predict(data, test_days).values, predictions[case].values)


@pytest.mark.parametrize("case", ["random_forest", "lightgbm"])
def test_tree_models_are_deterministic(data, fit_days, test_days, predictions, case):
    model = build(case, n_jobs=2)
    model.fit(data, fit_days)
    np.testing.assert_array_equal(model.predict(data, test_days).values, predictions[case].values)


def test_tree_model_predicts_the_observation(data, fit_days, test_days, predictions):
    model = corrector_class("lightgbm")({**CASES["lightgbm"][1], "target": "observation"}, FEATURES, seed=1)
    model.fit(data, fit_days)
    assert rmse(data, model.predict(data, test_days)) < rmse(data, predictions["raw"])


def test_tree_prediction_needs_lagged_forecasts(fitted, data):
    with pytest.raises(InputDataError, match="2021-01-02"):
        fitted["lightgbm"].predict(data, pd.date_range("2021-01-02", periods=3))


def test_unknown_days_and_unfitted_models(fitted, data):
    with pytest.raises(InputDataError, match="2022-01-01"):
        fitted["climatology"].predict(data, pd.DatetimeIndex(["2022-01-01"]))
    with pytest.raises(RuntimeError, match="before fit"):
        build("raw").predict(data, pd.DatetimeIndex(data["time"].values[:2]))


@pytest.mark.parametrize(
    ("model", "settings", "features", "key"),
    [
        ("lightgbm", {"n_trees": 3}, FEATURES, "models.lightgbm.n_trees"),
        ("raw", {"by": "all"}, {}, "models.raw.by"),
        ("climatology", {"by": "week"}, {}, "models.climatology.by"),
        ("climatology", {"window_days": 0}, {}, "models.climatology.window_days"),
        ("quantile_mapping", {"kind": "dqm"}, {}, "models.quantile_mapping.kind"),
        ("random_forest", {"target": "anomaly"}, FEATURES, "models.random_forest.target"),
        ("random_forest", {}, {**FEATURES, "forecast": False}, "models.random_forest.target"),
        ("lightgbm", {}, {**FEATURES, "lag": 1}, "features.lag"),
    ],
)
def test_bad_settings_name_the_key(model, settings, features, key):
    with pytest.raises(ConfigError, match=key):
        corrector_class(model)(settings, features)


def test_load_rejects_another_corrector(fitted, tmp_path):
    fitted["raw"].save(tmp_path / "raw.nc")
    with pytest.raises(InputDataError, match="raw.nc"):
        corrector_class("climatology").load(tmp_path / "raw.nc")


def test_climatology_window_mean(data):
    days = pd.DatetimeIndex(data["time"].values)
    model = corrector_class("climatology")({"by": "dayofyear", "window_days": 5}, {})
    model.fit(data, days)
    out = model.predict(data, days[[10]])
    bias = (data["observation"] - data["forecast"]).isel(time=slice(8, 13)).mean("time")
    expected = data["forecast"].isel(time=[10]) + bias
    np.testing.assert_allclose(out.values, expected.values, atol=1e-5)


def test_climatology_fallback_uses_the_closest_fit_days(data, caplog):
    caplog.set_level(logging.INFO, logger="sstbias.baselines")
    days = pd.DatetimeIndex(data["time"].values)
    model = corrector_class("climatology")({"by": "month", "window_days": 5}, {})
    model.fit(data, days[:31])  # January only
    out = model.predict(data, days[[40, 100]])  # February and April: no fit days in their months
    bias = (data["observation"] - data["forecast"]).isel(time=slice(26, 31)).mean("time")
    expected = data["forecast"].isel(time=[40, 100]) + bias
    np.testing.assert_allclose(out.values, expected.values, atol=1e-5)
    assert "2 of 2 target days had no fit days in their month" in caplog.text
    assert model.note(days[[40, 100]]) in caplog.text  # the tables' note on the row
    assert model.note(days[[5, 40]]).startswith("climatology (by month): 1 of 2 target days")
    assert model.note(days[:31]) == ""


def test_quantile_mapping_by_month_refuses_unseen_months(data, fit_days, test_days):
    model = corrector_class("quantile_mapping")({"group": "time.month", "nquantiles": 10}, {})
    model.fit(data, fit_days[:59])  # January and February
    assert np.isfinite(model.predict(data, fit_days[40:59]).values[:, 5, 5]).all()
    with pytest.raises(ConfigError, match=r"models.quantile_mapping.group: .* months \[4\]"):
        model.predict(data, test_days)  # April
