"""A --configfile says exactly what runs: it replaces config/config.yaml (the schema's defaults fill what it leaves
out), checked through Snakemake's dry runs; a bad selection or run name fails before any job, naming the key."""

from pathlib import Path

import pytest
import yaml
from workflow_runs import REPO, copy_workflow, planned_jobs, snakemake

pytestmark = pytest.mark.integration

BOX = {"lat_min": 12.0, "lat_max": 16.0, "lon_min": 110.0, "lon_max": 114.0}
PERIOD = {"start": "2021-01-01", "end": "2021-12-31"}
UPSTREAM = {"synthesize": 12, "daily_forecast": 12, "regrid": 2, "align": 1, "split": 1, "normalisation": 1}
UPSTREAM |= {"data_settings": 12 + 12 + 1}  # the settings of each twin month, month's daily forecast, the analysis


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return copy_workflow(tmp_path_factory.mktemp("user_config"))


def dry_run(workdir: Path, config: dict, *args: str):
    (workdir / "user.yaml").write_text(yaml.safe_dump(config))
    return snakemake(workdir, "--configfile", "user.yaml", "-n", *args, timeout=300)


def test_a_file_listing_two_models_plans_only_their_jobs(workdir):
    run = dry_run(workdir, {"box": BOX, "period": PERIOD, "models": {"raw": {}, "convgru": {}}, "grids": {}})
    assert run.returncode == 0, run.stderr[-2000:]
    assert planned_jobs(run.stdout + run.stderr) == UPSTREAM | {
        "train_baseline": 1,  # raw
        "predict_baseline": 1,
        "train_deep": 1,  # convgru, seed 0 (the schema's default seeds)
        "predict_deep": 1,
        "floor_prediction": 1,  # the twin's hindsight rows: floor and static oracle
        "static_oracle_prediction": 1,
        "error_budget": 1,  # the twin's error budget table
        "evaluate": 4,
        "tables": 1,
        "prediction_figures": 1,
        "error_series_figure": 1,
        "training_figure": 1,
        "all": 1,
    }


def test_grids_model_null_runs_no_grid(workdir):
    config = {"box": BOX, "period": PERIOD, "models": {"raw": {}}, "grids": {"model": None}}
    run = dry_run(workdir, config, "grids")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "grid_summary" not in planned_jobs(run.stdout + run.stderr)


def test_paper_config_inherits_nothing_from_the_twin_default(workdir):
    """config/paper.yaml with two models and no grid plans exactly those (the default's eight models and its grid
    are not merged in); its downloads are planned, nothing of the twin."""
    paper = yaml.safe_load((REPO / "config" / "paper.yaml").read_text())
    paper["models"] = {"raw": {}, "lightgbm": paper["models"]["lightgbm"]}
    paper["grids"] = {}
    paper["seeds"] = [0]
    run = dry_run(workdir, paper)
    assert run.returncode == 0, run.stderr[-2000:]
    planned = planned_jobs(run.stdout + run.stderr)
    assert planned["train_baseline"] == 2 and planned["evaluate"] == 2
    assert planned["download_hycom"] == 365
    twin_only = {"synthesize", "floor_prediction", "static_oracle_prediction", "error_budget"}
    assert not (twin_only | {"train_deep", "grid_summary", "training_figure"}) & set(planned)


def test_config_overrides_still_apply_to_the_default(workdir):
    run = snakemake(workdir, "-n", "--config", "dataset=other", timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "results/other/tables/metrics.csv" in run.stdout
    assert planned_jobs(run.stdout + run.stderr)["train_deep"] == 3  # the default's 3 models (the grids on demand)


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ({"raw": {}, "transformer": {}}, "models.transformer: unknown model"),
        ({}, "models: selects no model"),
    ],
)
def test_bad_model_selection_fails_before_any_job(workdir, models, message):
    run = dry_run(workdir, {"box": BOX, "period": PERIOD, "models": models, "dataset": "bad"})
    assert run.returncode != 0
    assert message in run.stdout + run.stderr
    assert not (workdir / "results" / "bad").exists()


def test_a_run_name_that_does_not_parse_fails_before_any_job(workdir):
    config = {"box": BOX, "period": PERIOD, "models": {"raw": {}, "convgru": {}}}
    target = "results/twin/predictions/grid/convgru/lr_abc/seed_0.nc"
    run = dry_run(workdir, config, target)
    assert run.returncode != 0
    assert "run 'grid/convgru/lr_abc/seed_0': grid point 'lr_abc' does not parse" in run.stdout + run.stderr
    assert not (workdir / "results").exists()


def test_multiyear_config_plans_three_years_of_every_model(workdir):
    run = snakemake(workdir, "--configfile", "config/multiyear.yaml", "-n", timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    planned = planned_jobs(run.stdout + run.stderr)
    assert planned["synthesize"] == 36 and planned["train_baseline"] == 5 and planned["train_deep"] == 3
    assert "results/multiyear/tables/metrics.csv" in run.stdout and "grid_summary" not in planned


def test_multiyear_config_on_real_data_plans_hycom_from_2019(workdir):
    """With source: remote the same file downloads every day of 2019-2021 (HYCOM expt_93.0, the schema's default
    experiment) and synthesises nothing; no network is touched by the dry run."""
    run = snakemake(
        workdir, "--configfile", "config/multiyear.yaml", "-n", "--config", "source=remote", "dataset=mr", timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    planned = planned_jobs(run.stdout + run.stderr)
    assert planned["download_hycom"] == 1096 and planned["download_oisst_erddap"] == 36
    assert "synthesize" not in planned and "results/mr/raw/hycom/days/2019-01-01.nc" in run.stdout


def test_validation_blocks_plan_and_a_short_gap_fails_before_any_job(workdir):
    config = yaml.safe_load((REPO / "config" / "multiyear.yaml").read_text())
    config["split"] |= {"validation": "blocks", "validation_blocks": 4, "gap_days": 18}
    run = dry_run(workdir, config)
    assert run.returncode == 0, run.stderr[-2000:]
    config["split"]["gap_days"] = 17
    config["dataset"] = "bad"
    run = dry_run(workdir, config)
    assert run.returncode != 0
    assert (
        "split.gap_days: 17 days after each validation block are fewer than the 18 earlier days"
        in run.stdout + run.stderr
    )
    assert not (workdir / "results" / "bad").exists()
