rule correct:
    """Corrected SST of new raw HYCOM forecast files with a trained deep model (the library call of `sstbias correct`)."""
    input:
        forecast=correction_forecasts,
        best=trained_model_file("deep_best"),
        description=trained_model_file("deep_config"),
    output:
        PATHS["corrected"],
    log:
        log("correct", "{model}_{name}"),
    benchmark:
        bench("correct", "{model}_{name}")
    wildcard_constraints:
        model="|".join(DEEP_MODELS),
        name=r"[^/]+",
    conda:
        "../../envs/correct.yaml"
    threads: 2
    resources:
        mem_mb=3000,
        runtime=15,
        gpu=0,
    script:
        "../scripts/correct.py"
