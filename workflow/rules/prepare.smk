rule align:
    """Common days of forecast and observation, with the ocean mask."""
    input:
        forecast=expand(PATHS["regridded"], product="forecast", allow_missing=True),
        observation=expand(
            PATHS["regridded"], product="observation", allow_missing=True
        ),
        settings=settings_file(f"{LEAD_STAGE}analysis"),
    output:
        PATHS["aligned"],
    log:
        log("align"),
    benchmark:
        bench("align")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        period=config["period"],
        missing_days=config["missing_days"],
    script:
        "../scripts/align.py"


rule split:
    """Chronological train / validation / test split of the aligned days."""
    input:
        PATHS["aligned"],
    output:
        json=PATHS["split_json"],
        csv=PATHS["split_csv"],
    log:
        log("split"),
    benchmark:
        bench("split")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        split=split_params(config["split"]),
    script:
        "../scripts/split.py"


rule normalisation:
    """Normalisation statistics from training days and ocean cells only."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["normalisation"],
    log:
        log("normalisation"),
    benchmark:
        bench("normalisation")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        normalisation=config["normalisation"],
    script:
        "../scripts/normalisation.py"
