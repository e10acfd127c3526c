include: "inputs/deep.smk"


rule train_deep:
    """Train a deep corrector (ConvGRU, 3DCNN-CBAM-ConvLSTM-AT, ConvGRU-SA), or a learning-rate grid point of one;
    resumes from its checkpoints."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
        normalisation=PATHS["normalisation"],
        native_forecast=native_forecast(),
    output:
        best=PATHS["deep_best"],
        log_csv=PATHS["deep_log"],
        description=PATHS["deep_config"],
    log:
        log("train_deep", "{run}"),
    benchmark:
        bench("train_deep", "{run}")
    wildcard_constraints:
        run=RUN_PATTERNS.deep,
    conda:
        "../../envs/deep.yaml"
    # One torch thread: these small networks gain 1.2-1.6x from a second thread, so two trainings side by side
    # on 2 cores do more; a training's numbers then do not depend on the machine's core count. On a GPU, or for
    # one long training, raise it: --set-threads train_deep=N (the SLURM profile does, profiles/slurm).
    threads: 1
    resources:
        mem_mb=6000,
        runtime=120,
        # GPUs wanted by the job; cluster profiles turn this into a request (0 on CPU-only runs).
        gpu=0,
    params:
        model=run_model,
        settings=run_settings,
        preparation=forecast_preparation,
    script:
        "../scripts/train_deep.py"


rule predict_deep:
    """Corrected SST of the test days from a trained deep corrector (its best-on-validation weights)."""
    input:
        best=PATHS["deep_best"],
        description=PATHS["deep_config"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        PATHS["prediction"],
    log:
        log("predict_deep", "{run}"),
    benchmark:
        bench("predict_deep", "{run}")
    wildcard_constraints:
        run=RUN_PATTERNS.deep,
    conda:
        "../../envs/deep.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=15,
        gpu=0,
    params:
        model=run_model,
    script:
        "../scripts/predict_deep.py"
