rule train_baseline:
    """Fit a baseline corrector on the training (and, by default, validation) days: config baseline_fit_days."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["model"],
    log:
        log("train_baseline", "{run}"),
    benchmark:
        bench("train_baseline", "{run}")
    wildcard_constraints:
        run=RUN_PATTERNS.baseline,
    conda:
        "../../envs/baselines.yaml"
    threads: 2
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        model=run_model,
        # the ablation's climatology takes its defaults when the config has no climatology entry
        settings=lambda wildcards: config["models"].get(run_model(wildcards), {}),
        features=lambda wildcards: (
            config["features"]
            if run_model(wildcards) in catalog.FEATURE_BASELINES
            else {}
        ),
        seed=run_seed,
        fit_days=run_fit_days,
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
        log("predict_baseline", "{run}"),
    benchmark:
        bench("predict_baseline", "{run}")
    wildcard_constraints:
        run=RUN_PATTERNS.baseline,
    conda:
        "../../envs/baselines.yaml"
    threads: 2
    resources:
        mem_mb=3000,
        runtime=15,
    params:
        model=run_model,
    script:
        "../scripts/predict_baseline.py"
