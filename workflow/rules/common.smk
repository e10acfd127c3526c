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

from sstbias.box import raw_box  # noqa: E402
from sstbias.config import validate_config  # noqa: E402
from sstbias.errors import ConfigError  # noqa: E402
from sstbias.experiments import catalog  # noqa: E402
from sstbias.experiments.paths import LEAD_FOLDER, result_paths  # noqa: E402
from sstbias.data.leads import run_analyses  # noqa: E402
from sstbias.period import period_days, period_months  # noqa: E402
from sstbias.provenance import (
    data_settings,
    refresh_settings_file,
    twin_month_settings,
    twin_run_settings,
)  # noqa: E402
from sstbias.data.regrid import resolve_engine  # noqa: E402
from sstbias.experiments.runs import (
    ABLATION_BASELINE,
    Run,
    RunPatterns,
    parse_run,
)  # noqa: E402
from sstbias.data.split import split_params  # noqa: E402

# A config error is one line naming the key, before any job (re-raised: no library frames shown).
try:
    validate_config(
        config, Path(workflow.basedir, "workflow", "schemas", "config.schema.yaml")
    )
except ConfigError as err:
    raise ConfigError(str(err)) from None

ROOT = Path(config["results_root"]) / config["dataset"]
# Forecast leads (sstbias.data.leads): [0] is the experiment without leads; with others every file made from the
# forecast, from its daily forecast to its tables, lies below lead_{lead}/ (each lead an experiment of its own).
LEADS = config["forecast"]["leads"]
BY_LEAD = LEADS != [0]
# The deep models of several leads: one per lead (below lead_{lead}/), or one for every lead that takes the lead as
# an input (lead_input/models/{run}/, forecast.lead_models: lead_input); grids, ablation and budget stay per lead.
LEAD_INPUT = BY_LEAD and config["forecast"]["lead_models"] == "lead_input"
# Every file the rules read or write, by name (sstbias.experiments.paths).
PATHS = result_paths(ROOT, BY_LEAD)
# The settings-file stages of a lead's jobs start with this (formatted with the job's lead wildcard).
LEAD_STAGE = "lead_{lead}_" if BY_LEAD else ""
SOURCE = config["source"]
DAYS = [f"{day:%Y-%m-%d}" for day in period_days(config["period"])]
MONTHS = period_months(config["period"])
RAW_BOX = dataclasses.asdict(raw_box(config))
# The models this run trains (the config's `models`), in the catalogue's (the paper's) order: figures show them so.
SELECTED_BASELINES = [name for name in catalog.BASELINES if name in config["models"]]
SELECTED_DEEP_MODELS = [m for m in catalog.DEEP_MODELS if m in config["models"]]
SELECTED_MODELS = SELECTED_BASELINES + SELECTED_DEEP_MODELS
# The regular expressions of the run names each rule serves (sstbias.experiments.runs parses the names).
RUN_PATTERNS = RunPatterns(tuple(SELECTED_BASELINES), tuple(SELECTED_DEEP_MODELS))
SEEDS = config["seeds"]
REGRID_ENGINE = resolve_engine(config["grid"]["regrid_engine"])
PRODUCTS = ["forecast", "observation"]
# The settings each data stage is made under, one JSON file each, an input of the stage's rule: rewritten here when
# they changed (another clone sharing results_root), so what they made is remade; in a fresh results folder the
# rule data_settings writes them (a failed dry run creates nothing). Only the main Snakemake process refreshes
# them; the job processes parse this file too, concurrently, and must not write what running jobs read.
# The twin's forecast runs of the configured leads (lead L of the period's first day needs the run of L days before
# it) and the months they are analysed in.
RUN_ANALYSES = (
    run_analyses((day.date() for day in period_days(config["period"])), LEADS)
    if SOURCE == "twin"
    else []
)
RUN_MONTHS = sorted({f"{analysis:%Y-%m}" for analysis in RUN_ANALYSES})
DATA_SETTINGS = data_settings(config, REGRID_ENGINE, MONTHS, RUN_MONTHS)
SETTINGS_FILES = {name: PATHS["settings"].format(stage=name) for name in DATA_SETTINGS}
if workflow.is_main_process:
    for _name, _settings in DATA_SETTINGS.items():
        refresh_settings_file(SETTINGS_FILES[_name], _settings, ROOT)
GRID_MODEL = config["grids"].get("model")
GRID_LEARNING_RATES = config["grids"]["learning_rates"] if GRID_MODEL else []
GRID_ITERATIONS = sorted(config["grids"]["iterations"]) if GRID_MODEL else []


def job_root(shared):
    """The folder of a rule's logs and benchmarks: its lead's, unless the rule is ``shared`` by every lead."""
    return ROOT if shared or not BY_LEAD else ROOT / LEAD_FOLDER


def log(rule, name="log", shared=False):
    return str(job_root(shared) / "logs" / rule / f"{name}.log")


def bench(rule, name="bench", shared=False):
    return str(job_root(shared) / "benchmarks" / rule / f"{name}.tsv")


def every_lead(paths):
    """A target's files for every lead (unchanged without leads)."""
    return expand(paths, lead=LEADS) if BY_LEAD else paths


def lead_values(wildcards):
    """The job's lead as keyword values for a path template (none without leads)."""
    return {"lead": wildcards.lead} if BY_LEAD else {}


def fill(key, wildcards, **values):
    """PATHS[key] formatted with ``values`` and the job's lead (input functions: Snakemake does not fill the
    wildcards of the paths they return)."""
    return PATHS[key].format(**values, **lead_values(wildcards))


def experiment():
    """The experiment in titles: the dataset and, for the twin, its scenario."""
    scenario = config["twin"].get("scenario")
    return config["dataset"] + (
        f", twin scenario {scenario}" if SOURCE == "twin" and scenario else ""
    )


def monthly(key):
    """The per-month files of PATHS[key] over the period (a lead's files keep the lead wildcard)."""
    return expand(PATHS[key], month=MONTHS, allow_missing=True)


def runs(model):
    """The runs of ``model``: one per seed for a seeded model (``<model>/seed_<n>``), else just ``<model>``."""
    seeds = SEEDS if model in catalog.SEEDED_MODELS else [None]
    return [Run(model, seed).name for seed in seeds]


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
    run=RUN_PATTERNS.any,
    lead=r"\d+",


include: "inputs/raw.smk"
