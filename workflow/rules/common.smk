"""Config validation and every path of the workflow, built from the config in one place."""

import dataclasses
import os
import sys
from pathlib import Path

from snakemake.exceptions import IncompleteCheckpointException, WorkflowError
from snakemake.utils import validate

# The workflow always uses this checkout's library, also inside per-rule conda environments
# (which hold the dependencies only): put src/ first on the import path of this process and of every job.
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)
# (set here for every job, not required from the user: no envvars directive needed)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))
)

from sstbias import catalog, local_files  # noqa: E402
from sstbias.config import (
    check_config,
    period_days,
    period_months,
    raw_box,
    schema_error,
)  # noqa: E402
from sstbias.download.oisst import chunk_days  # noqa: E402
from sstbias.errors import ConfigError  # noqa: E402
from sstbias.regrid import resolve_engine  # noqa: E402

# A config error is one line naming the key (re-raised here: Snakemake then shows no library frames).
try:
    validate(config, schema="../schemas/config.schema.yaml")
except WorkflowError as err:
    raise schema_error(err) from None
try:
    check_config(config)
except ConfigError as err:
    raise ConfigError(str(err)) from None

ROOT = Path(config["results_root"]) / config["dataset"]
SOURCE = config["source"]
DAYS = [f"{day:%Y-%m-%d}" for day in period_days(config["period"])]
MONTHS = period_months(config["period"])
RAW_BOX = dataclasses.asdict(raw_box(config))
# In the catalogue's (the paper's) order, whatever the order of the config's keys: figures show them so.
BASELINE_MODELS = [name for name in catalog.BASELINES if name in config["models"]]
DEEP_MODELS = [name for name in catalog.DEEP_MODELS if name in config["models"]]
MODELS = BASELINE_MODELS + DEEP_MODELS
SEEDS = config["seeds"]
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
    # A run is one fit of a model: "<model>" for a deterministic one, "<model>/seed_<n>" for a seeded one.
    "model": out("models", "{run}", "model.joblib"),
    "deep_best": out("models", "{run}", "best.pt"),
    "deep_log": out("models", "{run}", "training_log.csv"),
    "deep_config": out("models", "{run}", "model_config.json"),
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
    "grid_lr_best": out(
        "models", "grid", "{model}", "lr_{lr}", "seed_{seed}", "best.pt"
    ),
    "grid_lr_log": out(
        "models", "grid", "{model}", "lr_{lr}", "seed_{seed}", "training_log.csv"
    ),
    "grid_lr_config": out(
        "models", "grid", "{model}", "lr_{lr}", "seed_{seed}", "model_config.json"
    ),
    "grid_it_best": out(
        "models", "grid", "{model}", "iterations", "seed_{seed}", "best.pt"
    ),
    "grid_it_log": out(
        "models", "grid", "{model}", "iterations", "seed_{seed}", "training_log.csv"
    ),
    "grid_it_config": out(
        "models", "grid", "{model}", "iterations", "seed_{seed}", "model_config.json"
    ),
    "grid_it_checkpoint": out(
        "models",
        "grid",
        "{model}",
        "iterations",
        "seed_{seed}",
        "weights",
        "iter_{it}.pt",
    ),
    "grid_lr_prediction": out(
        "predictions", "grid", "{model}", "lr_{lr}", "seed_{seed}.nc"
    ),
    "grid_it_prediction": out(
        "predictions", "grid", "{model}", "it_{it}", "seed_{seed}.nc"
    ),
    "grid_prediction": out(
        "predictions", "grid", "{model}", "{point}", "seed_{seed}.nc"
    ),
    "grid_metrics": out("metrics", "grid", "{model}", "{point}", "seed_{seed}.json"),
    "grid_daily_errors": out(
        "metrics", "grid", "{model}", "{point}", "seed_{seed}_daily.csv"
    ),
    "grid_table_csv": out("tables", "grid_{grid}_{model}.csv"),
    "grid_table_md": out("tables", "grid_{grid}_{model}.md"),
    "grid_figure": out("figures", "grid_{grid}_{model}.png"),
    "fig_error_maps": out("figures", "error_maps.png"),
    "fig_scatter": out("figures", "scatter.png"),
    "fig_error_series": out("figures", "error_series.png"),
    "fig_training": out("figures", "training_curves.png"),
    "corrected": out("corrected", "{run}", "{name}.nc"),
}


def runs(model):
    """The runs of ``model``: one per seed for a seeded model (``<model>/seed_<n>``), else just ``<model>``."""
    if model in catalog.SEEDED_MODELS:
        return [f"{model}/seed_{seed}" for seed in SEEDS]
    return [model]


def run_pattern(models):
    """Regular expression of the run names of ``models`` (any seed)."""
    seeded = [m for m in models if m in catalog.SEEDED_MODELS]
    single = [m for m in models if m not in catalog.SEEDED_MODELS]
    alternatives = single + ([rf"({'|'.join(seeded)})/seed_\d+"] if seeded else [])
    return "|".join(alternatives)


def run_model(wildcards):
    """The model name of the ``run`` wildcard."""
    return wildcards.run.split("/")[0]


def run_seed(wildcards):
    """The seed of the ``run`` wildcard; None for a deterministic model (so a new seed list never reruns it)."""
    _, *seeded = wildcards.run.split("/")
    return int(seeded[0].removeprefix("seed_")) if seeded else None


def first_runs(models):
    """The first run of each model: what the figures show."""
    return [runs(model)[0] for model in models]


wildcard_constraints:
    month=r"\d{4}-\d{2}",
    day=r"\d{4}-\d{2}-\d{2}",
    lr=r"[0-9.e+-]+",
    it=r"\d{6}",
    point=r"(lr_[0-9.e+-]+|it_\d{6})",
    seed=r"\d+",
    grid="lr|iterations",
    product="|".join(PRODUCTS),
    model="|".join(MODELS),
    run=run_pattern(MODELS + ["static_oracle", "floor"]),


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


def forecast_preparation():
    """How the forecast reaches the models: recorded in every trained deep model folder (for `sstbias correct`)."""
    return {
        "box": config["box"],
        "daily_reduction": config["daily_reduction"],
        "grid": {
            "resolution": config["grid"]["resolution"],
            "regrid_engine": REGRID_ENGINE,
        },
    }


def native_forecast():
    """A daily forecast file on the native grid, whose grid a trained model records."""
    return monthly("forecast_daily")[0]


def correction_forecasts(wildcards):
    """New forecast files {name}: {correction.forecast_dir}/{name}.nc, or every *.nc of the folder {name}."""
    folder = Path(config["correction"]["forecast_dir"]) / wildcards.name
    if not folder.is_dir():
        return [f"{folder}.nc"]
    files = sorted(str(path) for path in folder.glob("*.nc"))
    if not files:
        raise ValueError(
            f"correction.forecast_dir: {folder} holds no *.nc forecast file"
        )
    return files


def month_days(month):
    """The period's days ("YYYY-MM-DD") in ``month`` ("YYYY-MM")."""
    return [day for day in DAYS if day.startswith(month)]


def month_window(wildcards):
    """First and last day of the period in the month: the days the month's daily forecast holds."""
    days = month_days(wildcards.month)
    return {"first": days[0], "last": days[-1]}


# Downloads (source: remote): the polite limits of simultaneous connections per server, unless the user gives
# them with --resources.
for resource, limit in (
    ("hycom_connections", config["remote"]["hycom"]["max_connections"]),
    ("oisst_connections", config["remote"]["oisst"]["max_connections"]),
):
    if resource not in workflow.global_resources:
        workflow.register_resource(resource, limit)


def hycom_request():
    """What defines a HYCOM day's content, passed as params: the raw box and the dataset path."""
    hycom = config["remote"]["hycom"]
    return {"box": RAW_BOX} | {
        key: hycom[key] for key in ("dataset", "experiment", "collection")
    }


def erddap_request(wildcards):
    """What defines an ERDDAP month's content, passed as params: the raw box, the dataset id and the days."""
    erddap_dataset = config["remote"]["oisst"]["erddap_dataset"]
    return {
        "box": RAW_BOX,
        "erddap_dataset": erddap_dataset,
        "days": month_days(wildcards.month),
    }


if SOURCE == "local":
    LOCAL_HYCOM = local_files.expand_patterns(config["local"]["hycom"], "local.hycom")
    LOCAL_OISST = local_files.oisst_files_for_days(
        local_files.expand_patterns(config["local"]["oisst"], "local.oisst"),
        period_days(config["period"])[0].date(),
        period_days(config["period"])[-1].date(),
    )


def month_forecast_files(month):
    """The raw HYCOM files of a month: the twin's month file, the downloaded days or the user's files."""
    if SOURCE == "remote":
        return expand(PATHS["raw_hycom_day"], day=month_days(month))
    if SOURCE == "local":
        return local_files.hycom_files_for_month(LOCAL_HYCOM, month)
    return expand(PATHS["raw_hycom"], month=month)


def raw_forecast_files(wildcards):
    """The raw HYCOM files of the job's month."""
    return month_forecast_files(wildcards.month)


def erddap_month_files(month):
    """A month's ERDDAP file and the NCEI files of the days it lacks (known once it is downloaded)."""
    try:
        chunk = checkpoints.download_oisst_erddap.get(month=month).output[0]
    except IncompleteCheckpointException as pending:
        # Snakemake's own placeholder; catching it here (instead of letting it end the input function) puts
        # every month's download on the DAG at once, and the list is evaluated again when each finishes.
        return [pending.targetfile]
    held = {f"{day:%Y-%m-%d}" for day in chunk_days(chunk)}
    lacking = [day for day in month_days(month) if day not in held]
    return [chunk] + expand(PATHS["raw_oisst_ncei"], day=lacking)


def raw_observation_files():
    """The raw OISST files of the period, by source."""
    if SOURCE == "local":
        return LOCAL_OISST
    if SOURCE == "twin":
        return monthly("raw_oisst")
    if config["remote"]["oisst"]["service"] == "ncei":
        return expand(PATHS["raw_oisst_ncei"], day=DAYS)
    return [path for month in MONTHS for path in erddap_month_files(month)]


def raw_files(wildcards):
    """Every raw file of the period, both products (the target rule raw_data)."""
    forecast = [path for month in MONTHS for path in month_forecast_files(month)]
    return forecast + raw_observation_files()


def regrid_inputs(wildcards):
    """Daily forecast files or raw OISST files of the period."""
    if wildcards.product == "forecast":
        return monthly("forecast_daily")
    return raw_observation_files()


def regrid_outputs():
    """The regridded field, plus the cached weights where the engine supports them (xESMF)."""
    outputs = {"field": PATHS["regridded"]}
    if REGRID_ENGINE == "xesmf":
        outputs["weights"] = PATHS["regrid_weights"]
    return outputs


def deep_settings(wildcards):
    """A deep run's settings: the model's config entry and the run's seed."""
    return config["models"][run_model(wildcards)] | {"seed": run_seed(wildcards)}


def grid_settings(wildcards, **overrides):
    """A grid run's settings: the model's own, the grid point's seed, and the grid's overrides."""
    return config["models"][wildcards.model] | {"seed": int(wildcards.seed)} | overrides


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
    """Metrics of every point and seed of a grid, point-major."""
    return expand(
        PATHS["grid_metrics"],
        model=wildcards.model,
        point=grid_points(wildcards.grid),
        seed=SEEDS,
    )


def evaluated_models():
    """Models whose metrics enter the tables; the twin adds its static oracle and irreducible floor."""
    return MODELS + (["static_oracle", "floor"] if config["source"] == "twin" else [])


def evaluated_runs():
    """Every run whose metrics enter the tables."""
    return [run for model in evaluated_models() for run in runs(model)]


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
