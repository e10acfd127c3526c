"""Params of deep.smk: how the forecast reaches the models, and the native grid a trained model records."""


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


def training_priority(wildcards):
    """Longest trainings first (Snakemake does not know a job's length): the run's training samples (iterations x
    batch_size) times its network's relative CPU cost per sample (the catalogue's sample_cost), in thousands.
    """
    run = run_of(wildcards)
    settings = deep_settings(run.model, run_settings(wildcards))
    samples = settings.iterations * settings.batch_size
    return round(samples * catalog.spec(run.model).sample_cost / 1000, 1)


# A Snakemake without callable priorities (the feature came after 8.20) starts the trainings in any order.
TRAINING_PRIORITY = (
    training_priority if hasattr(snakemake.rules.Rule, "expand_priority") else 0
)
