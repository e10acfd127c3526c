"""The deep models' ablation (issue 14): each change added in turn; a target of its own (not part of `rule all`).

    snakemake ablation --cores 2        ->  tables/ablation.csv, tables/ablation.md

Steps and their settings: sstbias.ablation; paths and input functions: ablation_common.smk.
"""


rule ablation:
    """The ablation table of the deep models (tables/ablation.csv and .md)."""
    input:
        PATHS["ablation_csv"],
        PATHS["ablation_md"],


rule train_ablation:
    """One deep training of one ablation step (a step's settings: sstbias.ablation.step_settings)."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
        normalisation=PATHS["normalisation"],
        native_forecast=native_forecast(),
    output:
        best=PATHS["ablation_best"],
        log_csv=PATHS["ablation_log"],
        description=PATHS["ablation_config"],
    log:
        log("train_ablation", "{model}_{step}_seed_{seed}"),
    benchmark:
        bench("train_ablation", "{model}_{step}_seed_{seed}")
    wildcard_constraints:
        model="|".join(DEEP_MODELS),
        step="|".join(ablation.training_steps()),
    conda:
        "../../envs/deep.yaml"
    threads: 2
    resources:
        mem_mb=6000,
        runtime=120,
        gpu=0,
    params:
        model=lambda wildcards: wildcards.model,
        settings=lambda wildcards: ablation.step_settings(
            wildcards.model, wildcards.step, config["models"][wildcards.model]
        )
        | {"seed": int(wildcards.seed)},
        preparation=forecast_preparation(),
    script:
        "../scripts/train_deep.py"


rule predict_ablation:
    """Test-period prediction of one ablation training (its best-on-validation weights)."""
    input:
        best=PATHS["ablation_best"],
        description=PATHS["ablation_config"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["ablation_prediction"],
    log:
        log("predict_ablation", "{model}_{step}_seed_{seed}"),
    benchmark:
        bench("predict_ablation", "{model}_{step}_seed_{seed}")
    wildcard_constraints:
        model="|".join(DEEP_MODELS),
        step="|".join(ablation.training_steps()),
    conda:
        "../../envs/deep.yaml"
    threads: 2
    resources:
        mem_mb=4000,
        runtime=15,
        gpu=0,
    params:
        model=lambda wildcards: wildcards.model,
    script:
        "../scripts/predict_deep.py"


rule train_ablation_climatology:
    """The climatology baseline fitted on the days of one protocol (train, or train + validation)."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["ablation_climatology"],
    log:
        log("train_ablation_climatology", "{fit}"),
    benchmark:
        bench("train_ablation_climatology", "{fit}")
    wildcard_constraints:
        fit="|".join(ablation.FIT_DAYS),
    conda:
        "../../envs/baselines.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        model="climatology",
        settings=config["models"].get("climatology", {}),
        features={},
        seed=None,
        fit_days=lambda wildcards: wildcards.fit,
    script:
        "../scripts/train_baseline.py"


rule predict_ablation_climatology:
    """Test-period prediction of the climatology of one protocol."""
    input:
        model=PATHS["ablation_climatology"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["ablation_climatology_prediction"],
    log:
        log("predict_ablation_climatology", "{fit}"),
    benchmark:
        bench("predict_ablation_climatology", "{fit}")
    wildcard_constraints:
        fit="|".join(ablation.FIT_DAYS),
    conda:
        "../../envs/baselines.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        model="climatology",
    script:
        "../scripts/predict_baseline.py"


rule evaluate_ablation:
    """Paper metrics of one ablation run over test days and ocean cells."""
    input:
        prediction=PATHS["ablation_prediction"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        metrics=PATHS["ablation_metrics"],
        daily=PATHS["ablation_daily"],
    log:
        log("evaluate_ablation", "{model}_{step}_seed_{seed}"),
    benchmark:
        bench("evaluate_ablation", "{model}_{step}_seed_{seed}")
    wildcard_constraints:
        model="|".join(DEEP_MODELS),
        step="|".join(ablation.training_steps()),
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        model=lambda wildcards: wildcards.model,
        seed=lambda wildcards: int(wildcards.seed),
    script:
        "../scripts/evaluate.py"


rule evaluate_ablation_climatology:
    """Paper metrics of the climatology of one protocol."""
    input:
        prediction=PATHS["ablation_climatology_prediction"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        metrics=PATHS["ablation_climatology_metrics"],
        daily=PATHS["ablation_climatology_daily"],
    log:
        log("evaluate_ablation_climatology", "{fit}"),
    benchmark:
        bench("evaluate_ablation_climatology", "{fit}")
    wildcard_constraints:
        fit="|".join(ablation.FIT_DAYS),
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        model="climatology",
        seed=None,
    script:
        "../scripts/evaluate.py"


rule ablation_table:
    """tables/ablation.csv and .md from every ablation run's metrics and training log."""
    input:
        metrics=[path for run in ablation_runs() for path in run["metrics"]],
        logs=[path for run in ablation_runs() for path in run["logs"]],
        climatology=expand(PATHS["ablation_climatology_metrics"], fit=ablation.FIT_DAYS),
    output:
        csv=PATHS["ablation_csv"],
        md=PATHS["ablation_md"],
    log:
        log("ablation_table"),
    benchmark:
        bench("ablation_table")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        runs=ablation_runs(),
        climatology=dict(
            zip(
                ablation.FIT_DAYS,
                expand(PATHS["ablation_climatology_metrics"], fit=ablation.FIT_DAYS),
            )
        ),
        title=ablation_title(),
    script:
        "../scripts/ablation_table.py"
