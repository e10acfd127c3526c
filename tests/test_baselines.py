"""Every baseline beats the raw forecast on learnable errors, round-trips through disk and never reads
observations when predicting."""

import logging

import numpy as np
import pandas as pd
import pytest
from synthetic import aligned_dataset

from sstbias.baselines import REGISTRY
from sstbias.errors import ConfigError, InputDataError
from sstbias.features import build_features, feature_names, usable_days
from sstbias.metrics import compute_metrics

FEATURES = {"forecast": True, "lat_lon": True, "doy_harmonics": 1, "lagged_forecast_days": 2}
SMALL = {
    "random_forest": {"n_estimators": 20, "max_train_samples": 5000},
    "lightgbm": {"n_estimators": 80, "max_train_samples": 5000},
    "quantile_mapping": {"nquantiles": 20},
    "climatology": {"by": "all"},
    "raw": {},
}


@pytest.fixture(scope="module")
def data():
    return aligned_dataset()


@pytest.fixture(scope="module")
def days(data):
    all_days = pd.DatetimeIndex(data["time"].values)
    return all_days[:96], all_days[96:]


def rmse(data, prediction, days):
    return compute_metrics(prediction, data["observation"].sel(time=days), data["ocean_mask"])["rmse"]


@pytest.fixture(scope="module")
def fitted(data, days):
    models = {}
    for name, settings in SMALL.items():
        model = REGISTRY[name](settings, FEATURES, seed=1, n_jobs=1)
        model.fit(data, days[0])
        models[name] = model
    return models


@pytest.mark.parametrize("name", ["climatology", "quantile_mapping", "random_forest", "lightgbm"])
def test_beats_raw(data, days, fitted, name):
    raw = rmse(data, fitted["raw"].predict(data, days[1]), days[1])
    corrected = rmse(data, fitted[name].predict(data, days[1]), days[1])
    assert corrected < 0.8 * raw, (name, corrected, raw)


@pytest.mark.parametrize("name", list(SMALL))
def test_prediction_is_masked_cf_field(data, days, fitted, name):
    out = fitted[name].predict(data, days[1])
    assert out.dims == ("time", "lat", "lon") and out.dtype == np.float32
    assert out.attrs["units"] == "degC"
    ocean = data["ocean_mask"].values == 1
    assert np.isfinite(out.values[:, ocean]).all() and np.isnan(out.values[:, ~ocean]).all()


@pytest.mark.parametrize("name", list(SMALL))
def test_save_load_round_trip(data, days, fitted, name, tmp_path):
    path = tmp_path / f"{name}.joblib"
    fitted[name].save(path)
    loaded = REGISTRY[name].load(path)
    np.testing.assert_array_equal(loaded.predict(data, days[1]).values, fitted[name].predict(data, days[1]).values)


@pytest.mark.parametrize("name", list(SMALL))
def test_predict_never_reads_observations(data, days, fitted, name):
    garbage = data.copy(deep=True)
    garbage["observation"][:] = -999.0
    np.testing.assert_array_equal(
        fitted[name].predict(garbage, days[1]).values, fitted[name].predict(data, days[1]).values
    )


@pytest.mark.parametrize("name", ["random_forest", "lightgbm"])
def test_tree_models_are_deterministic(data, days, name):
    runs = []
    for _ in range(2):
        model = REGISTRY[name](SMALL[name], FEATURES, seed=3, n_jobs=2)
        model.fit(data, days[0])
        runs.append(model.predict(data, days[1]).values)
    np.testing.assert_array_equal(*runs)


def test_unknown_setting_names_the_key():
    with pytest.raises(ConfigError, match="models.lightgbm.n_trees"):
        REGISTRY["lightgbm"]({"n_trees": 3}, FEATURES)


def test_climatology_fallback_uses_nearest_fit_days(data, days, caplog):
    caplog.set_level(logging.INFO, logger="sstbias.baselines")
    model = REGISTRY["climatology"]({"by": "month", "window_days": 5}, FEATURES)
    model.fit(data, days[0][:31])  # January only
    out = model.predict(data, days[1][:2])  # April: no fit days in the month
    expected_bias = (data["observation"] - data["forecast"]).sel(time=days[0][26:31]).mean("time")
    np.testing.assert_allclose(out.values, (data["forecast"].sel(time=days[1][:2]) + expected_bias).values, atol=1e-5)
    assert "2 of 2 days had no fit days" in caplog.text


def test_quantile_mapping_by_month_needs_fit_months(data, days):
    model = REGISTRY["quantile_mapping"]({"group": "time.month", "nquantiles": 10}, FEATURES)
    model.fit(data, days[0][:59])  # January and February
    with pytest.raises(ConfigError, match="models.quantile_mapping.group"):
        model.predict(data, days[1])


def test_feature_matrix_layout(data, days):
    target = days[1][:3]
    X, cells = build_features(data, target, FEATURES)
    names = ["forecast", "lat", "lon", "doy_sin_1", "doy_cos_1", "forecast_lag_1", "forecast_lag_2"]
    assert feature_names(FEATURES) == names
    assert X.shape == (3 * cells.size, 7) and cells.size == 12 * 10 - 3
    flat = data["forecast"].values.reshape(len(data["time"]), -1)
    position = list(pd.DatetimeIndex(data["time"].values)).index(target[1])
    row = cells.size + 5  # day 2, sixth ocean cell
    assert X[row, 0] == flat[position, cells[5]]
    assert X[row, 5] == flat[position - 1, cells[5]] and X[row, 6] == flat[position - 2, cells[5]]


def test_lagged_days_dropped_for_fit_and_required_for_predict(data, days):
    first = days[0][:5]
    assert list(usable_days(data, first, FEATURES, strict=False)) == list(first[2:])
    with pytest.raises(InputDataError, match="2021-01-01"):
        usable_days(data, first, FEATURES, strict=True)
