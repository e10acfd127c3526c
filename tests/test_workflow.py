"""End to end: snakemake on a tiny config in a temporary copy of the repository."""

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_runs import copy_workflow, planned_jobs, snakemake, tiny_config

from sstbias.evaluation import results_doc
from sstbias.provenance import recorded

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
        "static_oracle",
        "floor",
    }
    rows = table.set_index("model")
    assert rows[["mse", "rmse", "mae", "mape"]].notna().all().all()
    assert 0.1 < rows.loc["raw", "rmse"] < 1.5
    # The static oracle is a least-squares fit that includes the raw forecast (a zero line), so it is never worse
    # than raw; it is fitted on the test days themselves, so on a short test period (12 days here) it also fits part
    # of the unpredictable error and may fall below the floor: no order between those two holds by construction.
    assert rows.loc["static_oracle", "rmse"] <= rows.loc["raw", "rmse"]
    assert rows.loc["floor", "rmse"] < rows.loc["raw", "rmse"]
    assert list(table["model"].iloc[-2:]) == ["static_oracle", "floor"]  # the hindsight references, last
    budget = pd.read_csv(completed_run / "tables" / "error_budget.csv").set_index("quantity")["value"]
    assert budget["scenario"] == "realistic"
    for name in ("raw", "static_oracle", "floor"):  # the budget and the table score the same predictions
        assert float(budget[f"{name}_rmse"]) == pytest.approx(rows.loc[name, "rmse"], rel=1e-5)
    assert "Static oracle" in (completed_run / "tables" / "error_budget.md").read_text()
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


def test_tables_are_consistent_with_the_per_seed_metrics(completed_run: Path):
    table = pd.read_csv(completed_run / "tables" / "metrics.csv").set_index("model")
    by_seed = pd.read_csv(completed_run / "tables" / "metrics_by_seed.csv")
    seeded = {"random_forest", "lightgbm", "convgru", "convlstm_at", "convgru_sa"}
    counts = by_seed.groupby("model")["seed"].apply(list).to_dict()
    assert {model: seeds for model, seeds in counts.items() if model in seeded} == {m: [0, 1] for m in seeded}
    assert by_seed.loc[~by_seed["model"].isin(seeded), "seed"].isna().all()
    means = by_seed.groupby("model")[["mse", "rmse", "mae", "mape"]].mean()
    pd.testing.assert_frame_equal(table.loc[means.index, means.columns], means, rtol=1e-6)
    assert (table.loc[list(seeded), "n_seeds"] == 2).all() and (table.loc[list(seeded), "rmse_sd"] >= 0).all()
    two_runs = [json.loads((completed_run / "metrics" / "convgru" / f"seed_{s}.json").read_text()) for s in (0, 1)]
    assert table.loc["convgru", "rmse"] == pytest.approx(np.mean([r["rmse"] for r in two_runs]))
    assert two_runs[0]["rmse"] != two_runs[1]["rmse"]  # the seed changes the run
    markdown = (completed_run / "tables" / "metrics.md").read_text()
    row = table.loc["convgru"]
    assert (
        f"| ConvGRU | {row.mape:.2f} | {row.mse:.2f} | {row.rmse:.2f} | {row.mae:.2f} | {row.improvement_pct:.1f} |"
        f" {row.gap_closed:.2f} | 2 | {row.rmse_sd:.3f} |"
    ) in markdown
    grid = pd.read_csv(completed_run / "tables" / "grid_lr_convgru.csv")
    point = [
        json.loads((completed_run / "metrics" / "grid" / "convgru" / "lr_0.004" / f"seed_{s}.json").read_text())
        for s in (0, 1)
    ]
    assert grid.loc[0, "rmse"] == pytest.approx(np.mean([r["rmse"] for r in point]))
    assert list(grid["n_seeds"]) == [2, 2]


def test_tables_record_their_commit(workdir: Path, completed_run: Path):
    """Each rule that writes Markdown tables records beside them its name and the checkout's commit (``unknown``
    in this copy, which is no git checkout), and docs/results.md's generator copies the tables under it."""
    records = results_doc.provenance_of(completed_run / "tables")
    assert set(records) == {
        "metrics.md",
        "monthly_rmse.md",
        "skill.md",
        "error_budget.md",
        "grid_lr_convgru.md",
        "grid_iterations_convgru.md",
    }
    assert records["metrics.md"]["rule"] == "tables" and records["error_budget.md"]["rule"] == "error_budget"
    assert all(record["commit"] for record in records.values())
    block = results_doc.render_results(workdir)
    default = block.split("### Ablation")[0]
    assert (completed_run / "tables" / "metrics.md").read_text().rstrip("\n") in default
    assert f"`metrics.md`, commit: `{records['metrics.md']['commit']}` (rule `tables`)" in default


def test_every_rule_wrote_its_log(completed_run: Path):
    logs = [p.relative_to(completed_run / "logs") for p in (completed_run / "logs").rglob("*.log")]
    expected = {"synthesize", "regrid", "align", "train_baseline", "train_deep", "predict_deep", "evaluate", "tables"}
    assert {p.parts[0] for p in logs} >= expected
    assert {"train_deep/convgru/seed_0.log", "train_deep/convgru/seed_1.log"} <= {str(p) for p in logs}


def test_second_dry_run_has_nothing_to_do(workdir: Path, completed_run: Path):
    for targets in ((), ("grids",)):
        run = snakemake(workdir, *targets, "--configfile", "tiny.yaml", "-n")
        assert run.returncode == 0, run.stderr[-2000:]
        assert "Nothing to be done" in run.stdout + run.stderr, targets


def _reversed_keys(value):
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    return [_reversed_keys(item) for item in value] if isinstance(value, list) else value


def test_reordered_config_reruns_nothing(workdir: Path, completed_run: Path):
    """The same values with every mapping's keys in another order: the rule params are canonical."""
    reordered = _reversed_keys(tiny_config())
    assert list(reordered["box"]) == list(reversed(list(tiny_config()["box"])))
    (workdir / "reordered.yaml").write_text(yaml.safe_dump(reordered, sort_keys=False))
    run = snakemake(workdir, "--configfile", "reordered.yaml", "-n")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Nothing to be done" in run.stdout + run.stderr, (run.stdout + run.stderr)[-3000:]


def test_two_scenarios_sharing_a_results_root_never_mix(tmp_path: Path):
    """Two clones writing into one results_root with different twin scenarios, one after the other: the second
    remakes the raw and interim files under its own scenario (each records the settings that made it)."""
    shared = tmp_path / "shared_results"
    config = tiny_config() | {"period": {"start": "2021-01-01", "end": "2021-01-20"}, "models": {"raw": {}}}
    config |= {"results_root": str(shared), "grids": {"model": None, "learning_rates": [], "iterations": []}}
    raw, aligned = shared / "twin" / "raw" / "hycom" / "2021-01.nc", shared / "twin" / "interim" / "aligned.nc"
    contents = {}
    for scenario in ("realistic", "bias_dominated"):
        clone = copy_workflow(tmp_path / scenario)
        (clone / "experiment.yaml").write_text(yaml.safe_dump(config | {"twin": {"scenario": scenario, "seed": 1}}))
        run = snakemake(clone, str(aligned), "--configfile", "experiment.yaml")
        assert run.returncode == 0, run.stderr[-3000:]
        assert recorded(raw)["twin"]["scenario"] == scenario
        assert recorded(aligned)["raw"]["twin"]["scenario"] == scenario
        contents[scenario] = raw.read_bytes()
    assert contents["realistic"] != contents["bias_dominated"]


def test_changed_model_setting_reruns_only_its_branch(workdir: Path, completed_run: Path):
    config = tiny_config()
    config["models"]["lightgbm"]["n_estimators"] = 61
    (workdir / "changed.yaml").write_text(yaml.safe_dump(config))
    run = snakemake(workdir, "--configfile", "changed.yaml", "-n")
    assert run.returncode == 0, run.stderr[-2000:]
    assert planned_jobs(run.stdout + run.stderr) == {  # both seeds of lightgbm
        "train_baseline": 2,
        "predict_baseline": 2,
        "evaluate": 2,
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


def test_added_seed_plans_only_the_seeded_models_new_runs(workdir: Path, completed_run: Path):
    """A new seed: the default target plans the seed's model runs only (the grids are on demand), target grids
    the seed's grid points."""
    config = tiny_config()
    config["seeds"].append(7)
    (workdir / "more_seeds.yaml").write_text(yaml.safe_dump(config))
    run = snakemake(workdir, "--configfile", "more_seeds.yaml", "-n")
    assert run.returncode == 0, run.stderr[-2000:]
    assert planned_jobs(run.stdout + run.stderr) == {
        "train_baseline": 2,
        "predict_baseline": 2,
        "train_deep": 3,
        "predict_deep": 3,
        "evaluate": 5,
        "tables": 1,
        "all": 1,
    }
    run = snakemake(workdir, "grids", "--configfile", "more_seeds.yaml", "-n")
    assert run.returncode == 0, run.stderr[-2000:]
    assert planned_jobs(run.stdout + run.stderr) == {
        "train_deep": 2,  # 2 learning-rate grid points
        "predict_deep": 2,
        "evaluate": 4,  # 2 learning rates and 2 iterations
        "train_iteration_grid": 1,
        "predict_iteration_grid": 2,
        "grid_summary": 2,
        "grids": 1,
    }


def test_added_learning_rate_plans_only_its_branch(workdir: Path, completed_run: Path):
    config = tiny_config()
    config["grids"]["learning_rates"].append(0.001)
    (workdir / "more_lr.yaml").write_text(yaml.safe_dump(config))
    run = snakemake(workdir, "grids", "--configfile", "more_lr.yaml", "-n")
    assert run.returncode == 0, run.stderr[-2000:]
    assert planned_jobs(run.stdout + run.stderr) == {
        "train_deep": 2,
        "predict_deep": 2,
        "evaluate": 2,
        "grid_summary": 1,
        "grids": 1,
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


def test_ablation_target(workdir: Path):
    """The ablation target on the tiny run's data (ConvGRU-SA, one seed): a table row per step and model from the
    runs' own metrics, the protocol step reusing the previous trainings, and a second call with nothing to do."""
    config = tiny_config()
    config["models"] = {
        "raw": {},
        "climatology": config["models"]["climatology"],
        "convgru_sa": config["models"]["convgru_sa"] | {"iterations": 4, "eval_every": 2, "checkpoint_every": 4},
    }
    config["grids"] = {}
    config["ablation"] = {"seeds": [0]}
    (workdir / "ablation.yaml").write_text(yaml.safe_dump(config))
    done = snakemake(workdir, "ablation", "--configfile", "ablation.yaml")
    assert done.returncode == 0, done.stderr[-4000:]
    planned = planned_jobs(done.stderr)
    assert (
        planned["train_deep"] == 6
    )  # ordinary runs ablation/convgru_sa/<step>/seed_0; the protocol step trains nothing
    assert planned["train_baseline"] == 2  # the climatology of each protocol: ablation/climatology/<step>
    results = workdir / "results" / "twin"
    table = pd.read_csv(results / "tables" / "ablation.csv")
    assert list(table["step"]) == [
        "before",
        "position",
        "day_of_year",
        "fair_protocol",
        "residual_over_climatology",
        "land_masked",
        "attention_pool_recipe",
    ]
    rows = table.set_index("step")
    assert rows.loc["fair_protocol", "trained_as"] == "day_of_year"
    assert rows.loc["fair_protocol", "rmse_mean"] == rows.loc["day_of_year", "rmse_mean"]
    assert rows.loc["fair_protocol", "climatology_rmse"] != rows.loc["day_of_year", "climatology_rmse"]
    for step, trained_as in zip(rows.index, rows["trained_as"], strict=True):
        metrics = json.loads((results / "metrics" / "ablation" / "convgru_sa" / trained_as / "seed_0.json").read_text())
        assert rows.loc[step, "rmse_mean"] == pytest.approx(metrics["rmse"], rel=1e-5)  # the CSV keeps 6 digits
    settings = json.loads(
        (
            results / "models" / "ablation" / "convgru_sa" / "attention_pool_recipe" / "seed_0" / "model_config.json"
        ).read_text()
    )["settings"]
    assert settings["attention_pool"] == "auto" and settings["lr_schedule"] == "cosine" and settings["land"] == "masked"
    markdown = (results / "tables" / "ablation.md").read_text()
    assert results_doc.provenance_of(results / "tables")["ablation.md"]["rule"] == "ablation_table"
    assert f"{rows.loc['before', 'rmse_mean']:.3f}" in markdown and "attention_pool_recipe" in markdown
    again = snakemake(workdir, "ablation", "--configfile", "ablation.yaml", "-n")
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr


def test_budget_target(workdir: Path):
    """The budget curve on the tiny run's data (ConvGRU, two seeds, points 4 and 8): one training per seed, a table
    row per point from the points' own metrics, the figure; a larger point resumes those trainings."""
    config = tiny_config()
    config["models"] = {name: config["models"][name] for name in ("raw", "lightgbm", "convgru")}
    config["grids"] = {}
    config["budget"] = {"iterations": [8, 4], "eval_every": 2}
    (workdir / "budget.yaml").write_text(yaml.safe_dump(config))
    done = snakemake(workdir, "budget", "--configfile", "budget.yaml")
    assert done.returncode == 0, done.stderr[-4000:]
    planned = planned_jobs(done.stderr)
    assert planned["train_budget"] == 2 and planned["predict_budget"] == 4 and "train_baseline" not in planned
    results = workdir / "results" / "twin"
    table = pd.read_csv(results / "tables" / "budget_convgru.csv")
    assert list(table["iterations"]) == [4, 8] and list(table["samples"]) == [16, 32]
    for row in table.itertuples():
        rmse = [
            json.loads(
                (results / "metrics" / "budget" / "convgru" / f"it_{row.iterations:06d}" / f"seed_{s}.json").read_text()
            )["rmse"]
            for s in (0, 1)
        ]
        assert row.rmse_mean == pytest.approx(np.mean(rmse), rel=1e-5) and row.n_seeds == 2
    assert (results / "figures" / "budget.png").stat().st_size > 0
    assert results_doc.provenance_of(results / "tables")["budget_convgru.md"]["rule"] == "budget_table"
    settings = json.loads(
        (results / "models" / "budget" / "convgru" / "training" / "seed_1" / "model_config.json").read_text()
    )["settings"]
    assert (settings["iterations"], settings["checkpoint_at"], settings["eval_every"], settings["seed"]) == (
        8,
        [4, 8],
        2,
        1,
    )
    config["budget"]["iterations"] = [4, 8, 12]
    (workdir / "budget.yaml").write_text(yaml.safe_dump(config))
    longer = snakemake(workdir, "budget", "--configfile", "budget.yaml")
    assert longer.returncode == 0, longer.stderr[-4000:]
    log = (results / "logs" / "train_budget" / "budget" / "convgru" / "training" / "seed_0.log").read_text()
    assert "resuming from" in log and "iter_000008.pt" in log
    assert list(pd.read_csv(results / "tables" / "budget_convgru.csv")["iterations"]) == [4, 8, 12]


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
