rule train_baseline:
    """Fit a baseline corrector on the training days."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["model"],
    log:
        log("train_baseline", "{model}"),
    benchmark:
        bench("train_baseline", "{model}")
    wildcard_constraints:
        model="|".join(BASELINE_MODELS),
    conda:
        "../../envs/baselines.yaml"
    threads: 2
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        settings=lambda wildcards: config["models"][wildcards.model],
        features=lambda wildcards: (
            config["features"] if wildcards.model in catalog.FEATURE_BASELINES else {}
        ),
        seed=config["seeds"][0],
    script:
        "../scripts/train_baseline.py"


rule predict_baseline:
    """Corrected SST of the test days from a trained baseline."""
    input:
        model=PATHS["model"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["prediction"],
    log:
        log("predict_baseline", "{model}"),
    benchmark:
        bench("predict_baseline", "{model}")
    wildcard_constraints:
        model="|".join(BASELINE_MODELS),
    conda:
        "../../envs/baselines.yaml"
    threads: 2
    resources:
        mem_mb=3000,
        runtime=15,
    script:
        "../scripts/predict_baseline.py"
