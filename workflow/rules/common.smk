"""Set-up, config validation, the path registry and run naming. Each stage's input functions are in its own file."""

import dataclasses
import os
import sys
from pathlib import Path

# The workflow always uses this checkout's library, also inside per-rule conda environments (which hold the
# dependencies only): src/ goes first on the import path of this process and of every job (no envvars needed).
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))
)

from sstbias import catalog  # noqa: E402
from sstbias.config import raw_box, validate_config  # noqa: E402
from sstbias.errors import ConfigError  # noqa: E402
from sstbias.period import period_days, period_months  # noqa: E402
from sstbias.provenance import (
    data_settings,
    refresh_settings_file,
    twin_month_settings,
    write_settings_file,
)  # noqa: E402
from sstbias.regrid import resolve_engine  # noqa: E402
from sstbias.runs import ABLATION_BASELINE, Run, parse_run  # noqa: E402
from sstbias.split import split_params  # noqa: E402

# A config error is one line naming the key, before any job (re-raised: no library frames shown).
try:
    validate_config(
        config, Path(workflow.basedir, "workflow", "schemas", "config.schema.yaml")
    )
except ConfigError as err:
    raise ConfigError(str(err)) from None

ROOT = Path(config["results_root"]) / config["dataset"]
SOURCE = config["source"]
DAYS = [f"{day:%Y-%m-%d}" for day in period_days(config["period"])]
MONTHS = period_months(config["period"])
RAW_BOX = dataclasses.asdict(raw_box(config))
# The models this run trains (the config's `models`), in the catalogue's (the paper's) order: figures show them so.
SELECTED_BASELINES = [name for name in catalog.BASELINES if name in config["models"]]
SELECTED_DEEP_MODELS = [m for m in catalog.DEEP_MODELS if m in config["models"]]
SELECTED_MODELS = SELECTED_BASELINES + SELECTED_DEEP_MODELS
SEEDS = config["seeds"]
REGRID_ENGINE = resolve_engine(config["grid"]["regrid_engine"])
PRODUCTS = ["forecast", "observation"]
# The settings each data stage is made under, one JSON file each, an input of the stage's rule: rewritten here when
# they changed (another clone sharing results_root), so what they made is remade; in a fresh results folder the
# rule data_settings writes them (a failed dry run creates nothing). Only the main Snakemake process refreshes:
# the job processes parse this file too, concurrently, and must not write what running jobs read.
DATA_SETTINGS = data_settings(config, REGRID_ENGINE, MONTHS)
SETTINGS_FILES = {
    name: str(ROOT / "interim" / "settings" / f"{name}.json") for name in DATA_SETTINGS
}
if workflow.is_main_process:
    for _name, _settings in DATA_SETTINGS.items():
        refresh_settings_file(SETTINGS_FILES[_name], _settings, ROOT)
GRID_MODEL = config["grids"].get("model")
GRID_LEARNING_RATES = config["grids"]["learning_rates"] if GRID_MODEL else []
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
    "raw_hycom_day": out("raw", "hycom", "days", "{day}.nc"),
    "raw_oisst_erddap": out("raw", "oisst", "erddap", "{month}.nc"),
    "raw_oisst_ncei": out("raw", "oisst", "ncei", "{day}.nc"),
    "twin_diagnostics": out("raw", "twin_diagnostics", "{month}.nc"),
    "forecast_daily": out("interim", "forecast_daily", "{month}.nc"),
    "regridded": out("interim", "regridded", "{product}.nc"),
    "regrid_weights": out("interim", "regrid_weights", "{product}.nc"),
    "aligned": out("interim", "aligned.nc"),
    "split_json": out("interim", "split.json"),
    "split_csv": out("interim", "split.csv"),
    "normalisation": out("interim", "normalisation.json"),
    # A run is one fit of a model (sstbias.runs): "<model>", "<model>/seed_<n>" or a grid point.
    "model": out("models", "{run}", "model.nc"),
    "deep_best": out("models", "{run}", "best.pt"),
    "deep_log": out("models", "{run}", "training_log.csv"),
    "deep_config": out("models", "{run}", "model_config.json"),
    "deep_weights": out("models", "{run}", "weights", "iter_{it}.pt"),
    "deep_selected_weights": out("models", "{run}", "weights", "best_{it}.pt"),
    "prediction": out("predictions", "{run}.nc"),
    "metrics": out("metrics", "{run}.json"),
    "daily_errors": out("metrics", "{run}_daily.csv"),
    "metrics_csv": out("tables", "metrics.csv"),
    "metrics_md": out("tables", "metrics.md"),
    "seed_metrics_csv": out("tables", "metrics_by_seed.csv"),
    "monthly_csv": out("tables", "monthly_rmse.csv"),
    "monthly_md": out("tables", "monthly_rmse.md"),
    "skill_csv": out("tables", "skill.csv"),
    "skill_md": out("tables", "skill.md"),
    "grid_table_csv": out("tables", "grid_{grid}_{model}.csv"),
    "grid_table_md": out("tables", "grid_{grid}_{model}.md"),
    "grid_figure": out("figures", "grid_{grid}_{model}.png"),
    "fig_error_maps": out("figures", "error_maps.png"),
    "fig_scatter": out("figures", "scatter.png"),
    "fig_error_series": out("figures", "error_series.png"),
    "fig_training": out("figures", "training_curves.png"),
    "corrected": out("corrected", "{run}", "{name}.nc"),
    "ablation_csv": out("tables", "ablation.csv"),
    "ablation_md": out("tables", "ablation.md"),
    "budget_csv": out("tables", "budget_{model}.csv"),
    "budget_md": out("tables", "budget_{model}.md"),
    "budget_figure": out("figures", "budget.png"),
}


def experiment():
    """The experiment in titles: the dataset and, for the twin, its scenario."""
    scenario = config["twin"].get("scenario")
    return config["dataset"] + (
        f", twin scenario {scenario}" if SOURCE == "twin" and scenario else ""
    )


def monthly(key):
    """The per-month files of PATHS[key] over the period."""
    return expand(PATHS[key], month=MONTHS)


def runs(model):
    """The runs of ``model``: one per seed for a seeded model (``<model>/seed_<n>``), else just ``<model>``."""
    seeds = SEEDS if model in catalog.SEEDED_MODELS else [None]
    return [Run(model, seed).name for seed in seeds]


def run_pattern(models):
    """Regular expression of the run names of ``models`` (any seed)."""
    seeded = [m for m in models if m in catalog.SEEDED_MODELS]
    single = [m for m in models if m not in catalog.SEEDED_MODELS]
    return "|".join(single + ([rf"({'|'.join(seeded)})/seed_\d+"] if seeded else []))


def grid_pattern(*kinds):
    """Regular expression of the grid runs of the selected deep models of the ``kinds`` (lr, iterations, it),
    with any value: sstbias.runs parses the value, naming a bad one."""
    points = {"lr": r"lr_[^/]+", "iterations": "iterations", "it": r"it_[^/]+"}
    models, kinds = "|".join(SELECTED_DEEP_MODELS), "|".join(points[k] for k in kinds)
    return rf"grid/({models})/({kinds})/seed_\d+" if models else "$^"


def ablation_pattern(models):
    """Regular expression of the ablation runs of ``models`` (any step, and seed for a seeded model):
    sstbias.runs checks the step, naming a bad one."""
    seeded = [m for m in models if m in catalog.SEEDED_MODELS]
    single = [m for m in models if m not in catalog.SEEDED_MODELS]
    patterns = [rf"ablation/({'|'.join(seeded)})/[a-z_]+/seed_\d+"] if seeded else []
    patterns += [rf"ablation/({'|'.join(single)})/[a-z_]+"] if single else []
    return "|".join(patterns) or "$^"


def budget_pattern(kind):
    """Regular expression of the budget curve's runs of the selected deep models: their trainings (``training``)
    or points (``it``), any seed; sstbias.runs parses the point, naming a bad one."""
    models = "|".join(SELECTED_DEEP_MODELS)
    point = {"training": "training", "it": r"it_[^/]+"}[kind]
    return rf"budget/({models})/{point}/seed_\d+" if models else "$^"


def run_of(wildcards):
    """The run of the ``run`` wildcard (a ConfigError naming it if it does not parse)."""
    return parse_run(wildcards.run)


def run_model(wildcards):
    """The model name of the ``run`` wildcard."""
    return run_of(wildcards).model


def run_seed(wildcards):
    """The seed of the ``run`` wildcard; None for a deterministic model (so a new seed list never reruns it)."""
    return run_of(wildcards).seed


def run_settings(wildcards):
    """A deep run's settings: its model's config entry, overridden by the run (seed, grid point, ablation step,
    budget training)."""
    run = run_of(wildcards)
    return run.settings(config["models"][run.model], GRID_ITERATIONS, config["budget"])


def run_fit_days(wildcards):
    """The days a baseline run fits on: config baseline_fit_days, or its ablation step's."""
    return run_of(wildcards).fit_days(config["baseline_fit_days"])


wildcard_constraints:
    month=r"\d{4}-\d{2}",
    stage="|".join(DATA_SETTINGS),
    day=r"\d{4}-\d{2}-\d{2}",
    grid="lr|iterations",
    product="|".join(PRODUCTS),
    model="|".join(SELECTED_MODELS),
    run=f'{run_pattern(SELECTED_MODELS + list(catalog.ORACLES))}|{grid_pattern("lr", "it")}|{ablation_pattern(SELECTED_DEEP_MODELS + [ABLATION_BASELINE])}|{budget_pattern("it")}',
