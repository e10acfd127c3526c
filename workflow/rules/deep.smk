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


rule train_deep_lead_input:
    """Train one deep corrector for every lead, the lead an input channel, on the samples of all leads
    (forecast.lead_models: lead_input); resumes from its checkpoints."""
    input:
        aligned=every_lead(PATHS["aligned"]),
        split=every_lead(PATHS["split_json"]),
        native_forecast=native_forecast(lead=LEADS[0]),
    output:
        best=PATHS["lead_input_best"],
        log_csv=PATHS["lead_input_log"],
        description=PATHS["lead_input_config"],
        by_lead=PATHS["lead_input_by_lead"],
    log:
        log("train_deep_lead_input", "{run}", shared=True),
    benchmark:
        bench("train_deep_lead_input", "{run}", shared=True)
    wildcard_constraints:
        run=RunPatterns.ordinary(SELECTED_DEEP_MODELS),
    conda:
        "../../envs/deep.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=240,
        gpu=0,
    params:
        model=run_model,
        settings=run_settings,
        leads=LEADS,
        normalisation=config["normalisation"],
        preparation=forecast_preparation,
    script:
        "../scripts/train_deep_lead_input.py"


rule predict_deep:
    """Corrected SST of the test days from a trained deep corrector (its best-on-validation weights)."""
    input:
        unpack(deep_model_files),
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
        lead=prediction_lead,
    script:
        "../scripts/predict_deep.py"
