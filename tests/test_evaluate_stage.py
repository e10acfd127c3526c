"""The evaluation stage end to end on files: a baseline's note on its test days reaches Table 1's notes."""

import pandas as pd
import pytest
import xarray as xr
from synthetic import aligned_dataset

from sstbias.data.split import save_split
from sstbias.errors import InputDataError
from sstbias.evaluation.scoring import score_run
from sstbias.netcdf import write_prediction
from sstbias.stages.baselines import predict_baseline, train_baseline
from sstbias.stages.evaluate import evaluate, tables

UNCERTAINTY = {"block_length": 5, "resamples": 200, "confidence": 0.95, "seed": 0}
OUTPUTS = ("metrics_csv", "metrics_md", "seed_metrics_csv", "monthly_csv", "monthly_md", "skill_csv", "skill_md")


def test_climatology_fallback_and_both_tests_reach_table_1(tmp_path):
    data = aligned_dataset(n_days=120, shape=(6, 5))
    data.to_netcdf(tmp_path / "aligned.nc")
    days = pd.DatetimeIndex(data["time"].values)
    split = {"train": days[:59], "validation": days[59:90], "test": days[90:]}  # Jan-Feb, March, April
    save_split(split, tmp_path / "split.json", tmp_path / "split.csv")
    paths = {name: tmp_path / name for name in ("aligned.nc", "split.json", "climatology.nc")}
    train_baseline(
        model="climatology",
        settings={"by": "month", "window_days": 31},
        features={},
        seed=None,
        n_jobs=1,
        aligned=paths["aligned.nc"],
        split_path=paths["split.json"],
        out=paths["climatology.nc"],
        fit_days="train",
    )
    predict_baseline(
        "climatology", paths["climatology.nc"], paths["aligned.nc"], paths["split.json"], tmp_path / "c.nc"
    )
    raw = xr.load_dataset(paths["aligned.nc"])["forecast"].sel(time=split["test"])
    write_prediction(raw.where(data["ocean_mask"] == 1), tmp_path / "r.nc", "raw")
    for model, prediction in (("raw", "r.nc"), ("climatology", "c.nc")):
        evaluate(
            model=model,
            seed=None,
            prediction=tmp_path / prediction,
            aligned=paths["aligned.nc"],
            split_path=paths["split.json"],
            out=tmp_path / f"{model}.json",
            daily_out=tmp_path / f"{model}_daily.csv",
        )
    outputs = {key: tmp_path / f"{key}.out" for key in OUTPUTS}
    runs = ("raw", "climatology")
    tables([tmp_path / f"{m}.json" for m in runs], [tmp_path / f"{m}_daily.csv" for m in runs], outputs, UNCERTAINTY)
    text = outputs["metrics_md"].read_text()
    assert (
        "Note on Climatological bias: climatology (by month): 30 of 30 target days had no fit days in their month; "
        "used the mean over the 31 fit days closest in time."
    ) in text
    assert "| DM p-value vs raw | DM p-value vs best baseline |" in text
    assert "circular block bootstrap over the 30 test days" in text
    table = pd.read_csv(outputs["metrics_csv"]).set_index("model")
    assert table.loc["raw", "note"] != table.loc["raw", "note"]  # empty: NaN in the CSV
    assert 0 <= table.loc["climatology", "dm_vs_raw_p_value"] <= 1


def test_a_run_is_scored_on_the_test_days_only_if_its_prediction_has_them_all():
    data = aligned_dataset(n_days=40, shape=(4, 5))
    days = pd.DatetimeIndex(data["time"].values)
    record, daily = score_run("raw", None, data["forecast"], data, days[30:], "raw.nc")
    assert record["n_test_days"] == len(daily) == 10 and record["note"] == ""
    assert (record["test_start"], record["test_end"]) == (str(days[30].date()), str(days[-1].date()))
    with pytest.raises(InputDataError, match="raw.nc: prediction lacks test days"):
        score_run("raw", None, data["forecast"].isel(time=slice(0, 35)), data, days[30:], "raw.nc")
