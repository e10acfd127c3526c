"""Input functions and outputs of regrid.smk: the files of a product, the weights cache where supported."""


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
