"""Params of deep.smk: how the forecast reaches the models, and the native grid a trained model records."""


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


def native_forecast():
    """A daily forecast file on the native grid, whose grid a trained model records."""
    return monthly("forecast_daily")[0]
