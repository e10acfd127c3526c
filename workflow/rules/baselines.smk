rule train_baseline:
    """Fit a baseline corrector on the training days."""
    wildcard_constraints:
        model="|".join(MODELS),
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["model"],
    params:
        settings=lambda wildcards: config["models"][wildcards.model],
        features=config["features"],
        seed=config["seeds"][0],
    log:
        log("train_baseline", "{model}"),
    benchmark:
        bench("train_baseline", "{model}")
    threads: 2
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../../envs/baselines.yaml"
    script:
        "../scripts/train_baseline.py"


rule predict_baseline:
    """Corrected SST of the test days from a trained baseline."""
    wildcard_constraints:
        model="|".join(MODELS),
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
    threads: 2
    resources:
        mem_mb=3000,
        runtime=15,
    conda:
        "../../envs/baselines.yaml"
    script:
        "../scripts/predict_baseline.py"
