rule train_lr_grid:
    """One training of the grid model per learning rate (the paper's Table 2)."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
        normalisation=PATHS["normalisation"],
        native_forecast=native_forecast(),
    output:
        best=PATHS["grid_lr_best"],
        log_csv=PATHS["grid_lr_log"],
        description=PATHS["grid_lr_config"],
    log:
        log("train_lr_grid", "{model}_lr_{lr}_seed_{seed}"),
    benchmark:
        bench("train_lr_grid", "{model}_lr_{lr}_seed_{seed}")
    conda:
        "../../envs/deep.yaml"
    threads: 2
    resources:
        mem_mb=6000,
        runtime=120,
        gpu=0,
    params:
        model=lambda wildcards: wildcards.model,
        settings=lambda wildcards: grid_settings(wildcards, lr=float(wildcards.lr)),
        preparation=forecast_preparation(),
    script:
        "../scripts/train_deep.py"


rule predict_lr_grid:
    """Test-period prediction of one learning-rate grid point (its best-on-validation weights)."""
    input:
        best=PATHS["grid_lr_best"],
        description=PATHS["grid_lr_config"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["grid_lr_prediction"],
    log:
        log("predict_lr_grid", "{model}_lr_{lr}_seed_{seed}"),
    benchmark:
        bench("predict_lr_grid", "{model}_lr_{lr}_seed_{seed}")
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


rule train_iteration_grid:
    """One training of the grid model whose checkpoints at the grid's iterations are kept (Table 3)."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
        normalisation=PATHS["normalisation"],
        native_forecast=native_forecast(),
    output:
        best=PATHS["grid_it_best"],
        log_csv=PATHS["grid_it_log"],
        description=PATHS["grid_it_config"],
        checkpoints=iteration_checkpoints(),
    log:
        log("train_iteration_grid", "{model}_seed_{seed}"),
    benchmark:
        bench("train_iteration_grid", "{model}_seed_{seed}")
    conda:
        "../../envs/deep.yaml"
    threads: 2
    resources:
        mem_mb=6000,
        runtime=120,
        gpu=0,
    params:
        model=lambda wildcards: wildcards.model,
        preparation=forecast_preparation(),
        settings=lambda wildcards: grid_settings(
            wildcards,
            iterations=max(GRID_ITERATIONS),
            checkpoint_at=GRID_ITERATIONS,
        ),
    script:
        "../scripts/train_deep.py"


rule predict_iteration_grid:
    """Test-period prediction from the checkpoint at one grid iteration."""
    input:
        weights=PATHS["grid_it_checkpoint"],
        description=PATHS["grid_it_config"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["grid_it_prediction"],
    log:
        log("predict_iteration_grid", "{model}_it_{it}_seed_{seed}"),
    benchmark:
        bench("predict_iteration_grid", "{model}_it_{it}_seed_{seed}")
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
        "../scripts/predict_checkpoint.py"


rule evaluate_grid:
    """Paper metrics of one grid point over test days and ocean cells."""
    input:
        prediction=PATHS["grid_prediction"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        metrics=PATHS["grid_metrics"],
        daily=PATHS["grid_daily_errors"],
    log:
        log("evaluate_grid", "{model}_{point}_seed_{seed}"),
    benchmark:
        bench("evaluate_grid", "{model}_{point}_seed_{seed}")
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


rule grid_summary:
    """The paper's Table 2 / Fig. 7 (grid lr) or Table 3 / Fig. 8 (grid iterations)."""
    input:
        grid_metric_files,
    output:
        csv=PATHS["grid_table_csv"],
        md=report(
            PATHS["grid_table_md"],
            caption="../report/grid_table.rst",
            category="Grids",
        ),
        png=report(
            PATHS["grid_figure"], caption="../report/grid_figure.rst", category="Grids"
        ),
    log:
        log("grid_summary", "{grid}_{model}"),
    benchmark:
        bench("grid_summary", "{grid}_{model}")
    conda:
        "../../envs/figures.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        model=lambda wildcards: wildcards.model,
        values=lambda wildcards: grid_values(wildcards.grid),
        seeds=SEEDS,
    script:
        "../scripts/grid_summary.py"
