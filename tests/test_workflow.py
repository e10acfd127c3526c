"""End to end: snakemake on a tiny config in a temporary copy of the repository."""

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml
from workflow_runs import planned_jobs, snakemake, tiny_config

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def workdir(tiny_local_run: Path) -> Path:
    return tiny_local_run


@pytest.fixture(scope="module")
def completed_run(workdir: Path) -> Path:
    return workdir / "results" / "twin"


def test_metrics_table(completed_run: Path):
    table = pd.read_csv(completed_run / "tables" / "metrics.csv")
    assert list(table.columns[:7]) == ["model", "mse", "rmse", "mae", "mape", "improvement_pct", "gap_closed"]
    assert set(table["model"]) == {
        "raw",
        "climatology",
        "quantile_mapping",
        "random_forest",
        "lightgbm",
        "convgru",
        "convlstm_at",
        "convgru_sa",
        "floor",
    }
    rows = table.set_index("model")
    assert rows[["mse", "rmse", "mae", "mape"]].notna().all().all()
    assert 0.1 < rows.loc["raw", "rmse"] < 1.5
    assert rows.loc["floor", "rmse"] < rows.loc["raw", "rmse"]
    expected = 100 * (rows.loc["raw", "rmse"] - rows["rmse"]) / rows.loc["raw", "rmse"]
    pd.testing.assert_series_equal(
        rows["improvement_pct"].drop("raw"), expected.drop("raw"), check_names=False, rtol=1e-5
    )
    assert "RMSE" in (completed_run / "tables" / "metrics.md").read_text()
    assert (rows["rmse_ci_low"] <= rows["rmse"]).all() and (rows["rmse"] <= rows["rmse_ci_high"]).all()
    monthly = pd.read_csv(completed_run / "tables" / "monthly_rmse.csv")
    assert list(monthly["month"]) == ["2021-02"] and set(monthly.columns) >= set(table["model"])
    skill = pd.read_csv(completed_run / "tables" / "skill.csv").set_index("model")
    assert skill.loc["raw", "skill_vs_raw"] == 0.0


def test_every_rule_wrote_its_log(completed_run: Path):
    logs = list((completed_run / "logs").rglob("*.log"))
    expected = {"synthesize", "regrid", "align", "train_baseline", "train_deep", "predict_deep", "evaluate", "tables"}
    assert {p.parent.name for p in logs} >= expected


def test_second_dry_run_has_nothing_to_do(workdir: Path, completed_run: Path):
    run = snakemake(workdir, "--configfile", "tiny.yaml", "-n")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Nothing to be done" in run.stdout + run.stderr


def test_changed_model_setting_reruns_only_its_branch(workdir: Path, completed_run: Path):
    config = tiny_config()
    config["models"]["lightgbm"]["n_estimators"] = 61
    (workdir / "changed.yaml").write_text(yaml.safe_dump(config))
    run = snakemake(workdir, "--configfile", "changed.yaml", "-n")
    assert run.returncode == 0, run.stderr[-2000:]
    assert planned_jobs(run.stdout + run.stderr) == {
        "train_baseline": 1,
        "predict_baseline": 1,
        "evaluate": 1,
        "tables": 1,
        "prediction_figures": 1,
        "error_series_figure": 1,
        "all": 1,
    }


def test_grid_tables_and_figures(completed_run: Path):
    table = pd.read_csv(completed_run / "tables" / "grid_lr_convgru.csv")
    assert list(table["lr"]) == [0.004, 0.002] and table["rmse"].notna().all()
    iterations = pd.read_csv(completed_run / "tables" / "grid_iterations_convgru.csv")
    assert list(iterations["iterations"]) == [10, 20]
    for name in ("grid_lr_convgru.png", "grid_iterations_convgru.png", "error_maps.png", "training_curves.png"):
        assert (completed_run / "figures" / name).stat().st_size > 10_000


def test_added_learning_rate_plans_only_its_branch(workdir: Path, completed_run: Path):
    config = tiny_config()
    config["grids"]["learning_rates"].append(0.001)
    (workdir / "more_lr.yaml").write_text(yaml.safe_dump(config))
    run = snakemake(workdir, "--configfile", "more_lr.yaml", "-n")
    assert run.returncode == 0, run.stderr[-2000:]
    assert planned_jobs(run.stdout + run.stderr) == {
        "train_lr_grid": 1,
        "predict_lr_grid": 1,
        "evaluate_grid": 1,
        "grid_summary": 1,
        "all": 1,
    }


def test_bad_config_fails_before_any_job(workdir: Path):
    config = copy.deepcopy(tiny_config())
    config["box"]["lat_min"] = 17.0
    config["dataset"] = "bad"
    (workdir / "bad.yaml").write_text(yaml.safe_dump(config))
    run = snakemake(workdir, "--configfile", "bad.yaml")
    assert run.returncode != 0
    assert "lat_min" in run.stderr
    assert not (workdir / "results" / "bad").exists()


def test_corrupt_raw_file_fails_its_rule_naming_the_file(workdir: Path, completed_run: Path):
    """Runs last: it damages a raw file of the module's run."""
    raw = completed_run / "raw" / "hycom" / "2021-01.nc"
    raw.write_text("<html><body>502 Bad Gateway</body></html>")
    target = completed_run / "interim" / "forecast_daily" / "2021-01.nc"
    run = snakemake(workdir, "--configfile", "tiny.yaml", "--force", str(target.relative_to(workdir)))
    assert run.returncode != 0
    log_text = (completed_run / "logs" / "daily_forecast" / "2021-01.log").read_text()
    assert "2021-01.nc: an HTML/text error page, not netCDF" in log_text
    assert not target.exists()
