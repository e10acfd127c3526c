"""End to end with forecast leads: the tiny config with leads [0, 2] on the twin's forecast runs."""

import json
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr
import yaml
from workflow_runs import copy_workflow, planned_jobs, snakemake, tiny_config

from sstbias.data.split import load_split
from sstbias.deep.api import predict_deep_model
from sstbias.deep.model_dir import read_model_dir

pytestmark = pytest.mark.integration
LEADS = [0, 2]


@pytest.fixture(scope="module")
def lead_run(tmp_path_factory) -> Path:
    """The tiny config's default target (one seed, no grids) with leads 0 and 2; returns its results folder."""
    workdir = copy_workflow(tmp_path_factory.mktemp("leads") / "repo")
    config = tiny_config() | {"seeds": [0], "grids": {}, "forecast": {"leads": LEADS}}
    (workdir / "leads.yaml").write_text(yaml.safe_dump(config))
    run = snakemake(workdir, "--configfile", "leads.yaml", timeout=1200)
    assert run.returncode == 0, run.stderr[-4000:]
    return workdir / "results" / "twin"


def test_every_model_is_scored_at_every_lead(lead_run: Path):
    table = pd.read_csv(lead_run / "tables" / "by_lead.csv")
    for model, group in table.groupby("model"):
        assert sorted(group["lead"]) == LEADS, model
    assert {"convgru_sa", "lightgbm", "raw", "floor"} <= set(table["model"])
    assert (lead_run / "figures" / "rmse_by_lead.png").read_bytes()[:4] == b"\x89PNG"
    assert "lead 2: RMSE" in (lead_run / "tables" / "by_lead.md").read_text()


def test_lead_0_is_the_run_without_leads(lead_run: Path, tiny_local_reference: Path):
    """Lead 0 below lead_0/ is the experiment without leads: every seed-0 run's metrics are the same numbers."""
    compared = 0
    for path in (tiny_local_reference / "metrics").rglob("*.json"):
        name = path.relative_to(tiny_local_reference / "metrics")
        parts = name.with_suffix("").parts
        if "seed_1" in parts or parts[0] == "grid":
            continue
        mine = lead_run / "lead_0" / "metrics" / name
        assert json.loads(mine.read_text()) == json.loads(path.read_text()), name
        compared += 1
    assert compared >= 8


def test_a_lead_reads_the_run_analysed_lead_days_before_and_splits_by_valid_day(lead_run: Path):
    daily = xr.open_dataset(lead_run / "lead_2" / "interim" / "forecast_daily" / "2021-01.nc")
    valid = pd.DatetimeIndex(daily["time"].values)
    reference = pd.DatetimeIndex(daily["forecast_reference_time"].values)
    assert (valid - reference == pd.Timedelta(days=2) - pd.Timedelta(hours=12)).all()
    assert int(daily["lead"]) == 2
    # No leakage across leads: the split is by valid day, the same days for every lead, whatever the run.
    splits = [json.loads((lead_run / f"lead_{lead}" / "interim" / "split.json").read_text()) for lead in LEADS]
    assert splits[0] == splits[1]
    raw = {lead: pd.read_csv(lead_run / f"lead_{lead}" / "tables" / "metrics.csv").set_index("model") for lead in LEADS}
    assert raw[0].loc["raw", "rmse"] != raw[2].loc["raw", "rmse"]


def test_lead_input_trains_one_model_for_every_lead(lead_run: Path):
    """forecast.lead_models: lead_input in the same folder: the data stay as they are, one ConvGRU-SA is trained on
    the samples of both leads (normalised on the training days only) and predicts each lead's test days."""
    workdir = lead_run.parent.parent
    config = yaml.safe_load((workdir / "leads.yaml").read_text())
    config["forecast"]["lead_models"] = "lead_input"
    (workdir / "lead_input.yaml").write_text(yaml.safe_dump(config))
    targets = [f"results/twin/lead_{lead}/predictions/convgru_sa/seed_0.nc" for lead in LEADS]
    run = snakemake(workdir, *targets, "--configfile", "lead_input.yaml", timeout=1200)
    assert run.returncode == 0, run.stderr[-4000:]
    ran = planned_jobs(run.stdout + run.stderr)
    assert ran == {"train_deep_lead_input": 1, "predict_deep": 2}, ran  # no data job: lead_models changes models only
    folder = lead_run / "lead_input" / "models" / "convgru_sa" / "seed_0"
    trained = read_model_dir(folder)
    assert trained.lead_input and trained.leads == LEADS
    split = load_split(lead_run / "lead_0" / "interim" / "split.json")
    assert trained.normaliser.days == [f"{day:%Y-%m-%d}" for day in split["train"]]
    assert list(pd.read_csv(folder / "validation_by_lead.csv")["lead"]) == LEADS
    for lead in LEADS:
        aligned = xr.load_dataset(lead_run / f"lead_{lead}" / "interim" / "aligned.nc")
        expected = predict_deep_model(folder, aligned, split["test"], lead=lead)
        written = xr.open_dataarray(lead_run / f"lead_{lead}" / "predictions" / "convgru_sa" / "seed_0.nc")
        assert float(abs(written - expected).max()) == 0.0, lead
