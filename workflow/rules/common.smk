"""Config validation and every path of the workflow, built from the config in one place."""

import os
import sys
from pathlib import Path

from snakemake.utils import validate

# The workflow always uses this checkout's library, also inside per-rule conda environments
# (which hold the dependencies only): put src/ first on the import path of this process and of every job.
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)
# (set here for every job, not required from the user: no envvars directive needed)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))
)

from sstbias import catalog  # noqa: E402
from sstbias.config import check_config, period_days, period_months  # noqa: E402
from sstbias.regrid import resolve_engine  # noqa: E402

validate(config, schema="../schemas/config.schema.yaml")
check_config(config)

ROOT = Path(config["results_root"]) / config["dataset"]
MONTHS = period_months(config["period"])
BASELINE_MODELS = [name for name in config["models"] if name in catalog.BASELINES]
DEEP_MODELS = [name for name in config["models"] if name in catalog.DEEP_MODELS]
MODELS = BASELINE_MODELS + DEEP_MODELS
REGRID_ENGINE = resolve_engine(config["grid"]["regrid_engine"])
PRODUCTS = ["forecast", "observation"]
GRID_MODEL = config["grids"].get("model")
GRID_LEARNING_RATES = (
    [f"{lr:g}" for lr in config["grids"]["learning_rates"]] if GRID_MODEL else []
)
GRID_ITERATIONS = sorted(config["grids"]["iterations"]) if GRID_MODEL else []


def out(*parts):
    """A path below {results_root}/{dataset}/."""
    return str(ROOT.joinpath(*parts))


def log(rule, name="log"):
    return out("logs", rule, f"{name}.log")


def bench(rule, name="bench"):
    return out("benchmarks", rule, f"{name}.tsv")


PATHS = {
    "raw_hycom": out("raw", "hycom", "{month}.nc"),
    "raw_oisst": out("raw", "oisst", "{month}.nc"),
    "twin_diagnostics": out("raw", "twin_diagnostics", "{month}.nc"),
    "forecast_daily": out("interim", "forecast_daily", "{month}.nc"),
    "regridded": out("interim", "regridded", "{product}.nc"),
    "regrid_weights": out("interim", "regrid_weights", "{product}.nc"),
    "aligned": out("interim", "aligned.nc"),
    "split_json": out("interim", "split.json"),
    "split_csv": out("interim", "split.csv"),
    "normalisation": out("interim", "normalisation.json"),
    "model": out("models", "{model}", "model.joblib"),
    "deep_best": out("models", "{model}", "best.pt"),
    "deep_log": out("models", "{model}", "training_log.csv"),
    "deep_config": out("models", "{model}", "model_config.json"),
    "prediction": out("predictions", "{model}.nc"),
    "metrics": out("metrics", "{model}.json"),
    "daily_errors": out("metrics", "{model}_daily.csv"),
    "metrics_csv": out("tables", "metrics.csv"),
    "metrics_md": out("tables", "metrics.md"),
    "monthly_csv": out("tables", "monthly_rmse.csv"),
    "monthly_md": out("tables", "monthly_rmse.md"),
    "skill_csv": out("tables", "skill.csv"),
    "skill_md": out("tables", "skill.md"),
    "grid_lr_best": out("models", "grid", "{model}", "lr_{lr}", "best.pt"),
    "grid_lr_log": out("models", "grid", "{model}", "lr_{lr}", "training_log.csv"),
    "grid_lr_config": out("models", "grid", "{model}", "lr_{lr}", "model_config.json"),
    "grid_it_best": out("models", "grid", "{model}", "iterations", "best.pt"),
    "grid_it_log": out("models", "grid", "{model}", "iterations", "training_log.csv"),
    "grid_it_config": out(
        "models", "grid", "{model}", "iterations", "model_config.json"
    ),
    "grid_it_checkpoint": out(
        "models", "grid", "{model}", "iterations", "weights", "iter_{it}.pt"
    ),
    "grid_lr_prediction": out("predictions", "grid", "{model}", "lr_{lr}.nc"),
    "grid_it_prediction": out("predictions", "grid", "{model}", "it_{it}.nc"),
    "grid_prediction": out("predictions", "grid", "{model}", "{point}.nc"),
    "grid_metrics": out("metrics", "grid", "{model}", "{point}.json"),
    "grid_daily_errors": out("metrics", "grid", "{model}", "{point}_daily.csv"),
    "grid_table_csv": out("tables", "grid_{grid}_{model}.csv"),
    "grid_table_md": out("tables", "grid_{grid}_{model}.md"),
    "grid_figure": out("figures", "grid_{grid}_{model}.png"),
    "fig_error_maps": out("figures", "error_maps.png"),
    "fig_scatter": out("figures", "scatter.png"),
    "fig_error_series": out("figures", "error_series.png"),
    "fig_training": out("figures", "training_curves.png"),
}


wildcard_constraints:
    month=r"\d{4}-\d{2}",
    lr=r"[0-9.e+-]+",
    it=r"\d{6}",
    point=r"(lr_[0-9.e+-]+|it_\d{6})",
    grid="lr|iterations",
    product="|".join(PRODUCTS),
    model="|".join(MODELS + ["floor"]),


def twin_settings(wildcards):
    """The config entries that shape one twin month, with the period clipped to that month.

    Passing only these as params keeps unrelated config changes from regenerating the raw data.
    """
    days = [
        day
        for day in period_days(config["period"])
        if day.strftime("%Y-%m") == wildcards.month
    ]
    return {
        "box": config["box"],
        "grid": {"resolution": config["grid"]["resolution"]},
        "raw_margin_deg": config["raw_margin_deg"],
        "twin": config["twin"],
        "period": {"start": str(days[0].date()), "end": str(days[-1].date())},
    }


def monthly(key):
    """The per-month files of PATHS[key] over the period."""
    return expand(PATHS[key], month=MONTHS)


def regrid_inputs(wildcards):
    """Daily forecast files or raw OISST files of the period."""
    return monthly("forecast_daily" if wildcards.product == "forecast" else "raw_oisst")


def regrid_outputs():
    """The regridded field, plus the cached weights where the engine supports them (xESMF)."""
    outputs = {"field": PATHS["regridded"]}
    if REGRID_ENGINE == "xesmf":
        outputs["weights"] = PATHS["regrid_weights"]
    return outputs


def grid_settings(model, **overrides):
    """A grid run's settings: the model's own, with the grid's overrides (learning rate or iteration schedule)."""
    return {"seed": config["seeds"][0]} | config["models"][model] | overrides


def iteration_checkpoints():
    """Weights at the grid's iterations, exported by the iteration-grid run (outputs of train_iteration_grid).

    Its resumable checkpoints/ are no outputs: Snakemake deletes a failed job's outputs, and a job stopped at its
    time limit must keep the state it resumes from.
    """
    return expand(
        PATHS["grid_it_checkpoint"],
        it=[f"{it:06d}" for it in GRID_ITERATIONS],
        allow_missing=True,
    )


def grid_points(grid):
    """Point names of a grid: lr_<value> for learning rates, it_<iteration> for iterations."""
    if grid == "lr":
        return [f"lr_{lr}" for lr in GRID_LEARNING_RATES]
    return [f"it_{it:06d}" for it in GRID_ITERATIONS]


def grid_values(grid):
    """The grid's hyper-parameter values, in the order of grid_points."""
    return (
        [float(lr) for lr in GRID_LEARNING_RATES] if grid == "lr" else GRID_ITERATIONS
    )


def grid_metric_files(wildcards):
    return expand(
        PATHS["grid_metrics"], model=wildcards.model, point=grid_points(wildcards.grid)
    )


def evaluated_models():
    """Models whose metrics enter the tables; the twin adds its irreducible floor."""
    return MODELS + (["floor"] if config["source"] == "twin" else [])


def all_targets():
    targets = [
        PATHS["split_csv"],
        PATHS["normalisation"],
        PATHS["metrics_csv"],
        PATHS["metrics_md"],
        PATHS["fig_error_maps"],
        PATHS["fig_error_series"],
    ]
    targets += [PATHS["fig_training"]] if DEEP_MODELS else []
    for grid, values in (("lr", GRID_LEARNING_RATES), ("iterations", GRID_ITERATIONS)):
        if values:
            targets += expand(
                [PATHS["grid_table_csv"], PATHS["grid_table_md"], PATHS["grid_figure"]],
                grid=grid,
                model=GRID_MODEL,
            )
    return targets
