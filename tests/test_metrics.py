"""Metrics follow the paper's eqs. 12-15 on hand-computed cases; the table keeps its layout."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sstbias.errors import InputDataError
from sstbias.metrics import compute_metrics, improvement_pct
from sstbias.tables import metrics_table, to_paper_markdown, write_table


def fields(pred, obs, mask):
    dims = ("time", "lat", "lon")
    return (
        xr.DataArray(np.asarray(pred, dtype="float32"), dims=dims),
        xr.DataArray(np.asarray(obs, dtype="float32"), dims=dims),
        xr.DataArray(np.asarray(mask, dtype="int8"), dims=("lat", "lon")),
    )


def test_hand_computed_metrics():
    # errors on the 3 ocean cell-days: +1, -2, +0.5 against observations 20, 25, 10 (the land cell is ignored)
    pred, obs, mask = fields([[[21.0, 23.0, 10.5, 99.0]]], [[[20.0, 25.0, 10.0, np.nan]]], [[1, 1, 1, 0]])
    m = compute_metrics(pred, obs, mask)
    assert m["mse"] == pytest.approx((1 + 4 + 0.25) / 3)
    assert m["rmse"] == pytest.approx(np.sqrt(5.25 / 3))
    assert m["mae"] == pytest.approx(3.5 / 3)
    assert m["mape"] == pytest.approx(100 * (1 / 20 + 2 / 25 + 0.5 / 10) / 3)
    assert m["n"] == 3


def test_land_is_ignored_and_nan_on_ocean_is_an_error():
    pred, obs, mask = fields([[[21.0, np.nan]]], [[[20.0, np.nan]]], [[1, 0]])
    assert compute_metrics(pred, obs, mask)["rmse"] == pytest.approx(1.0)
    pred, obs, mask = fields([[[np.nan, 1.0]]], [[[20.0, 1.0]]], [[1, 1]])
    with pytest.raises(InputDataError, match="prediction has 1 NaN"):
        compute_metrics(pred, obs, mask)


def test_improvement_matches_the_paper():
    assert improvement_pct(0.52, 0.32) == pytest.approx(38.46, abs=0.01)


RECORDS = [
    {"model": "lightgbm", "mse": 0.17, "rmse": 0.41, "mae": 0.32, "mape": 1.17},
    {"model": "floor", "mse": 0.08, "rmse": 0.28, "mae": 0.22, "mape": 0.8},
    {"model": "raw", "mse": 0.27, "rmse": 0.52, "mae": 0.40, "mape": 1.43},
    {"model": "zzz_custom", "mse": 0.2, "rmse": 0.45, "mae": 0.35, "mape": 1.2},
    {"model": "random_forest", "mse": 0.19, "rmse": 0.44, "mae": 0.34, "mape": 1.23},
]


def test_table_order_and_improvement():
    table = metrics_table(RECORDS)
    assert list(table["model"]) == ["raw", "random_forest", "lightgbm", "zzz_custom", "floor"]
    assert np.isnan(table.loc[0, "improvement_pct"])
    rows = table.set_index("model")
    assert rows.loc["lightgbm", "improvement_pct"] == pytest.approx(100 * 0.11 / 0.52)
    assert rows.loc["lightgbm", "gap_closed"] == pytest.approx(0.11 / (0.52 - 0.28))
    assert np.isnan(rows.loc["floor", "gap_closed"])


def test_paper_markdown_layout():
    text = to_paper_markdown(metrics_table(RECORDS))
    lines = text.splitlines()
    assert lines[0] == "| Model | MAPE (%) | MSE | RMSE (°C) | MAE (°C) | RMSE improvement (%) | Gap closed |"
    assert lines[2] == "| Uncorrected forecast | 1.43 | 0.27 | 0.52 | 0.40 | - | - |"
    assert "| LightGBM | 1.17 | 0.17 | 0.41 | 0.32 | 21.2 | 0.46 |" in lines
    assert lines[-1].startswith("| Irreducible floor (twin)")


def test_write_table(tmp_path):
    table = metrics_table(RECORDS)
    write_table(table, tmp_path / "m.csv", tmp_path / "m.md", to_paper_markdown(table))
    back = pd.read_csv(tmp_path / "m.csv")
    assert list(back.columns) == ["model", "mse", "rmse", "mae", "mape", "improvement_pct", "gap_closed"]
    assert (tmp_path / "m.md").read_text().startswith("| Model |")
