rule align:
    """Common days of forecast and observation, with the ocean mask."""
    input:
        forecast=expand(PATHS["regridded"], product="forecast"),
        observation=expand(PATHS["regridded"], product="observation"),
    output:
        PATHS["aligned"],
    params:
        period=config["period"],
        missing_days=config["missing_days"],
    log:
        log("align"),
    benchmark:
        bench("align")
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/align.py"


rule split:
    """Chronological train / validation / test split of the aligned days."""
    input:
        PATHS["aligned"],
    output:
        json=PATHS["split_json"],
        csv=PATHS["split_csv"],
    params:
        split=config["split"],
    log:
        log("split"),
    benchmark:
        bench("split")
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/split.py"


rule normalisation:
    """Normalisation statistics from training days and ocean cells only."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["normalisation"],
    params:
        normalisation=config["normalisation"],
    log:
        log("normalisation"),
    benchmark:
        bench("normalisation")
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/normalisation.py"
