rule floor_prediction:
    """The twin's best possible correction: observation minus the unpredictable error (the irreducible floor)."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
        diagnostics=monthly("twin_diagnostics"),
    output:
        out("predictions", "floor.nc"),
    log:
        log("floor_prediction"),
    benchmark:
        bench("floor_prediction")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    script:
        "../scripts/floor_prediction.py"


rule evaluate:
    """Paper metrics (eqs. 12-15) of one model over test days and ocean cells."""
    input:
        prediction=PATHS["prediction"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["metrics"],
    log:
        log("evaluate", "{model}"),
    benchmark:
        bench("evaluate", "{model}")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    script:
        "../scripts/evaluate.py"


rule tables:
    """metrics.csv and the paper's Table 1 layout in Markdown."""
    input:
        expand(PATHS["metrics"], model=evaluated_models()),
    output:
        csv=PATHS["metrics_csv"],
        md=PATHS["metrics_md"],
    log:
        log("tables"),
    benchmark:
        bench("tables")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/tables.py"
