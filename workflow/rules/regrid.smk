def regrid_inputs(wildcards):
    """Daily forecast files or raw OISST files of the period."""
    return monthly("forecast_daily" if wildcards.product == "forecast" else "raw_oisst")


def regrid_outputs():
    """The regridded field, plus the cached weights where the engine supports them (xESMF)."""
    outputs = {"field": PATHS["regridded"]}
    if REGRID_ENGINE == "xesmf":
        outputs["weights"] = PATHS["regrid_weights"]
    return outputs


rule regrid:
    """Bilinear interpolation of a daily product onto the analysis grid."""
    input:
        regrid_inputs,
    output:
        **regrid_outputs(),
    log:
        log("regrid", "{product}"),
    benchmark:
        bench("regrid", "{product}")
    conda:
        "../../envs/regrid.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=15,
    params:
        box=config["box"],
        resolution=config["grid"]["resolution"],
        engine=REGRID_ENGINE,
    script:
        "../scripts/regrid.py"
