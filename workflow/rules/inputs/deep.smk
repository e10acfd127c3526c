"""Params and input functions of deep.smk: how the forecast reaches the models, the native grid a trained model
records, and which model folder a deep run predicts with (its lead's, or the one for every lead).
"""

import re


def forecast_preparation(wildcards):
    """How the forecast reaches the models: recorded in every trained deep model folder (for `sstbias correct`),
    with the lead the job's model corrects when it is not 0."""
    lead = int(wildcards.get("lead", 0))
    return {
        "box": config["box"],
        "daily_reduction": config["daily_reduction"],
        "grid": {
            "resolution": config["grid"]["resolution"],
            "regrid_engine": REGRID_ENGINE,
        },
    } | ({"lead": lead} if lead else {})


def native_forecast(lead=None):
    """A daily forecast file on the native grid, whose grid a trained model records (of ``lead``, for a rule
    without the lead wildcard)."""
    first = monthly("forecast_daily")[0]
    return first if lead is None or not BY_LEAD else expand(first, lead=lead)[0]


def lead_input_run(wildcards):
    """Whether the job's deep run is served by the model for every lead (an ordinary run under lead_input)."""
    return LEAD_INPUT and re.fullmatch(
        RunPatterns.ordinary(SELECTED_DEEP_MODELS), wildcards.run
    )


def deep_model_files(wildcards):
    """The weights and description a deep run predicts with: its lead's model, or the model for every lead."""
    if lead_input_run(wildcards):
        return {
            "best": PATHS["lead_input_best"].format(run=wildcards.run),
            "description": PATHS["lead_input_config"].format(run=wildcards.run),
        }
    return {
        "best": fill("deep_best", wildcards, run=wildcards.run),
        "description": fill("deep_config", wildcards, run=wildcards.run),
    }


def prediction_lead(wildcards):
    """The lead of the job's inputs (days), given to a model that takes the lead as an input (None otherwise)."""
    return int(wildcards.lead) if lead_input_run(wildcards) else None


def training_logs(wildcards):
    """The training logs of the first run of each deep model (its lead's, or the model's for every lead)."""
    key = "lead_input_log" if LEAD_INPUT else "deep_log"
    return [fill(key, wildcards, run=run) for run in first_runs(SELECTED_DEEP_MODELS)]
