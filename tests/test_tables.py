"""The results table: fixed row order, improvement over raw, the paper's Table 1 layout and atomic files."""

import json

import numpy as np
import pandas as pd
import pytest

from sstbias.evaluation.tables import (
    grid_markdown,
    grid_results,
    grid_table,
    mean_over_seeds,
    metrics_table,
    read_records,
    seed_table,
    to_paper_markdown,
    uncertainty_markdown,
    write_table,
)

RECORDS = [  # the paper's Table 1 values, plus a custom model and a twin floor
    {"model": "lightgbm", "mse": 0.17, "rmse": 0.41, "mae": 0.32, "mape": 1.17},
    {"model": "floor", "mse": 0.08, "rmse": 0.28, "mae": 0.22, "mape": 0.8},
    {"model": "raw", "mse": 0.27, "rmse": 0.52, "mae": 0.40, "mape": 1.43},
    {"model": "zzz_custom", "mse": 0.2, "rmse": 0.45, "mae": 0.35, "mape": 1.2},
    {"model": "convgru_sa", "mse": 0.10, "rmse": 0.32, "mae": 0.25, "mape": 0.90},
    {"model": "aaa_custom", "mse": 0.2, "rmse": 0.45, "mae": 0.35, "mape": 1.2},
    {"model": "random_forest", "mse": 0.19, "rmse": 0.44, "mae": 0.34, "mape": 1.23},
    {"model": "climatology", "mse": 0.12, "rmse": 0.35, "mae": 0.28, "mape": 1.0},
]
PERIOD = {"n": 185201, "test_start": "2021-10-20", "test_end": "2021-12-31"}


def test_order_and_improvement():
    table = metrics_table(RECORDS)
    assert list(table["model"]) == [
        "raw",
        "climatology",
        "random_forest",
        "lightgbm",
        "convgru_sa",
        "aaa_custom",
        "zzz_custom",
        "floor",
    ]
    assert list(table.columns) == ["model", "mse", "rmse", "mae", "mape", "improvement_pct", "gap_closed"]
    rows = table.set_index("model")
    assert np.isnan(rows.loc["raw", "improvement_pct"])
    assert rows.loc["convgru_sa", "improvement_pct"] == pytest.approx(100 * 0.20 / 0.52)
    assert rows.loc["floor", "improvement_pct"] == pytest.approx(100 * 0.24 / 0.52)
    assert rows.loc["lightgbm", "gap_closed"] == pytest.approx(0.11 / (0.52 - 0.28))
    assert np.isnan(rows.loc["floor", "gap_closed"]) and np.isnan(rows.loc["raw", "gap_closed"])


def test_without_floor_there_is_no_gap():
    table = metrics_table([r for r in RECORDS if r["model"] != "floor"])
    assert table["gap_closed"].isna().all() and table["model"].iloc[-1] == "zzz_custom"


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([r for r in RECORDS if r["model"] != "raw"], "'raw' row"),
        (RECORDS + [RECORDS[0]], r"\['lightgbm'\] appear more than once"),
        ([{"model": "raw", "rmse": 0.5}], r"lack \['mse', 'mae', 'mape'\]"),
        ([{**RECORDS[2], "n": 10}, {**RECORDS[0], "n": 11}], "different numbers of cell-days"),
    ],
)
def test_bad_records(records, message):
    with pytest.raises(ValueError, match=message):
        metrics_table(records)


def test_paper_markdown_layout():
    lines = to_paper_markdown(metrics_table([{**r, **PERIOD} for r in RECORDS])).splitlines()
    assert lines[0] == "| Model | MAPE (%) | MSE | RMSE (°C) | MAE (°C) | RMSE improvement (%) | Gap closed |"
    assert lines[1] == "|---|---:|---:|---:|---:|---:|---:|"
    assert lines[2] == "| Uncorrected forecast | 1.43 | 0.27 | 0.52 | 0.40 | - | - |"
    assert "| LightGBM | 1.17 | 0.17 | 0.41 | 0.32 | 21.2 | 0.46 |" in lines
    assert "| ConvGRU-SA | 0.90 | 0.10 | 0.32 | 0.25 | 38.5 | 0.83 |" in lines
    assert "| Random Forest | 1.23 | 0.19 | 0.44 | 0.34 | 15.4 | 0.33 |" in lines
    assert lines[9] == "| Irreducible floor (twin) | 0.80 | 0.08 | 0.28 | 0.22 | 46.2 | - |"
    assert lines[10] == ""
    assert lines[11].startswith("Test period 2021-10-20 .. 2021-12-31, 185201 ocean cell-days; improvement")


def test_markdown_without_floor_or_period_is_the_papers_six_columns():
    text = to_paper_markdown(metrics_table([r for r in RECORDS if r["model"] != "floor"]))
    lines = text.splitlines()
    assert lines[0] == "| Model | MAPE (%) | MSE | RMSE (°C) | MAE (°C) | RMSE improvement (%) |"
    assert lines[-1] == "| zzz_custom | 1.20 | 0.20 | 0.45 | 0.35 | 13.5 |" and text.endswith("|\n")


FALLBACK = (
    "climatology (by month): 73 of 73 target days had no fit days in their month; used the mean over the 31 fit days "
    "closest in time"
)


def uncertain_table() -> pd.DataFrame:
    """Table 1 of raw, climatology (with its fallback note) and LightGBM, with intervals and tests."""
    records = [{**r, **PERIOD, "n_test_days": 73, "note": ""} for r in RECORDS if r["model"] in ("raw", "lightgbm")]
    records.append({**RECORDS[-1], **PERIOD, "n_test_days": 73, "note": FALLBACK})
    nan = float("nan")
    intervals = pd.DataFrame(
        {
            "model": ["raw", "climatology", "lightgbm"],
            "rmse_ci_low": [0.5, 0.33, 0.39],
            "rmse_ci_high": [0.54, 0.37, 0.43],
            "improvement_ci_low": [nan, 30.0, 18.0],
            "improvement_ci_high": [nan, 35.0, 24.0],
            "optimal_block_length": [4.2, 3.1, 6.5],
            "dm_vs_raw_statistic": [nan, -5.0, -3.0],
            "dm_vs_raw_p_value": [nan, 1e-5, 0.004],
            "compared_with": ["climatology", "", "climatology"],
            "dm_statistic": [5.0, nan, 2.0],
            "dm_p_value": [1e-5, nan, 0.0493],
        }
    )
    return metrics_table(records).merge(intervals, on="model", how="left")


def test_uncertainty_markdown_names_both_tests_and_the_bootstrap():
    lines = uncertainty_markdown(uncertain_table(), 0.95, 5).splitlines()
    assert lines[0].endswith("| DM p-value vs raw | DM p-value vs best baseline |")
    assert lines[2].endswith("| - | - | - | 1e-05 (Climatological bias) |")  # raw
    assert lines[3].endswith("| 1e-05 | - |")  # the best baseline: tested against raw only
    assert (
        lines[4] == "| LightGBM | 0.410 | 0.390 – 0.430 | 21.2 | 18.0 – 24.0 | 0.004 | 0.0493 (Climatological bias) |"
    )
    note = lines[-1]
    assert "circular block bootstrap over the 73 test days (blocks of 5 days" in note
    assert "4.2 days for the uncorrected forecast, 3.1 – 6.5 over the models" in note
    assert "Harvey-Leybourne-Newbold" in note and "lag 4" in note


def test_paper_markdown_says_what_a_model_did_in_its_note():
    lines = to_paper_markdown(uncertain_table()).splitlines()
    assert lines[-1] == f"Note on Climatological bias: {FALLBACK}."
    assert lines[-2].startswith("Test period 2021-10-20 .. 2021-12-31")


def test_write_table(tmp_path):
    table = metrics_table([{**r, **PERIOD} for r in RECORDS])
    write_table(table, tmp_path / "m.csv", tmp_path / "m.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv", "m.md"]
    back = pd.read_csv(tmp_path / "m.csv")
    assert list(back.columns[:7]) == ["model", "mse", "rmse", "mae", "mape", "improvement_pct", "gap_closed"]
    assert list(back["model"]) == list(table["model"])
    assert (tmp_path / "m.md").read_text() == to_paper_markdown(table)
    write_table(table, tmp_path / "m.csv", tmp_path / "other.md", "custom\n")
    assert (tmp_path / "other.md").read_text() == "custom\n"


SEEDED = [
    {"model": "raw", "seed": None, "mse": 0.27, "rmse": 0.52, "mae": 0.40, "mape": 1.43, **PERIOD},
    {"model": "convgru", "seed": 1, "mse": 0.16, "rmse": 0.40, "mae": 0.31, "mape": 1.1, **PERIOD},
    {"model": "convgru", "seed": 0, "mse": 0.12, "rmse": 0.34, "mae": 0.27, "mape": 1.0, **PERIOD},
    {"model": "convgru", "seed": 2, "mse": 0.15, "rmse": 0.37, "mae": 0.29, "mape": 1.05, **PERIOD},
]


def test_mean_over_seeds_and_spread():
    merged = {record["model"]: record for record in mean_over_seeds(SEEDED)}
    assert merged["raw"]["n_seeds"] == 1 and np.isnan(merged["raw"]["rmse_sd"])
    convgru = merged["convgru"]
    assert convgru["n_seeds"] == 3 and "seed" not in convgru
    assert convgru["rmse"] == pytest.approx(np.mean([0.40, 0.34, 0.37]))
    assert convgru["mape"] == pytest.approx(np.mean([1.1, 1.0, 1.05]))
    assert convgru["rmse_sd"] == pytest.approx(np.std([0.40, 0.34, 0.37], ddof=1))
    assert (convgru["rmse_min"], convgru["rmse_max"]) == (0.34, 0.40)
    table = metrics_table(mean_over_seeds(SEEDED)).set_index("model")
    assert table.loc["convgru", "improvement_pct"] == pytest.approx(100 * (0.52 - convgru["rmse"]) / 0.52)
    with pytest.raises(ValueError, match="appear more than once"):
        mean_over_seeds(SEEDED + [SEEDED[1]])


def test_markdown_shows_seeds_and_spread_only_with_several_seeds():
    text = to_paper_markdown(metrics_table(mean_over_seeds(SEEDED)))
    lines = text.splitlines()
    assert lines[0].endswith("| Seeds | RMSE sd (°C) |")
    assert lines[2].endswith("| 1 | - |")
    assert lines[3] == "| ConvGRU | 1.05 | 0.14 | 0.37 | 0.29 | 28.8 | 3 | 0.030 |"
    assert "means over their seeds" in lines[-1]
    single = to_paper_markdown(metrics_table(mean_over_seeds(SEEDED[:2])))
    assert "Seeds" not in single


def test_seed_table_lists_every_run_in_order():
    table = seed_table(SEEDED)
    assert list(table["model"]) == ["raw", "convgru", "convgru", "convgru"]
    assert list(table["seed"].iloc[1:]) == [0, 1, 2] and pd.isna(table["seed"].iloc[0])
    assert table["improvement_pct"].iloc[1] == pytest.approx(100 * (0.52 - 0.34) / 0.52)


def test_grid_table_means_and_spread_over_seeds():
    runs = [
        [{"mape": 1.0, "mse": 0.1, "rmse": 0.30, "mae": 0.2}, {"mape": 1.2, "mse": 0.2, "rmse": 0.34, "mae": 0.3}],
        [{"mape": 1.1, "mse": 0.15, "rmse": 0.32, "mae": 0.25}, {"mape": 1.1, "mse": 0.15, "rmse": 0.32, "mae": 0.25}],
    ]
    table = grid_table(runs, [0.002, 0.001], "lr")
    assert list(table["lr"]) == [0.002, 0.001] and list(table["n_seeds"]) == [2, 2]
    assert table["rmse"].tolist() == pytest.approx([0.32, 0.32])
    assert table["rmse_sd"].tolist() == pytest.approx([np.std([0.30, 0.34], ddof=1), 0.0])
    text = grid_markdown(table, "lr", "convgru")
    assert "means over 2 seeds" in text and "| 0.002 | 1.10 | 0.15 | 0.32 | 0.25 | 0.028 |" in text
    single = grid_table([[r[0]] for r in runs], [0.002, 0.001], "lr")
    assert single["rmse_sd"].isna().all() and "RMSE sd" not in grid_markdown(single, "lr", "convgru")


def test_grid_results_take_point_major_records_read_from_files(tmp_path):
    runs = [{"mape": 1.0 + i, "mse": 0.1, "rmse": 0.3 + i / 100, "mae": 0.2} for i in range(4)]
    paths = [tmp_path / f"{i}.json" for i in range(4)]
    for path, run in zip(paths, runs, strict=True):
        path.write_text(json.dumps(run))
    table, text = grid_results(read_records(paths), [0.002, 0.001], 2, "lr", "convgru")
    assert table.equals(grid_table([runs[:2], runs[2:]], [0.002, 0.001], "lr"))
    assert text == grid_markdown(table, "lr", "convgru")
    with pytest.raises(ValueError, match="grid lr: 3 metric files for 2 values x 2 seeds"):
        grid_results(runs[:3], [0.002, 0.001], 2, "lr", "convgru")
