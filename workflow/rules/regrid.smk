include: "inputs/regrid.smk"


rule regrid:
    """Bilinear interpolation of a daily product onto the analysis grid."""
    input:
        files=regrid_inputs,
        settings=settings_file(f"{LEAD_STAGE}analysis"),
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
        period=config["period"],
    script:
        "../scripts/regrid.py"
