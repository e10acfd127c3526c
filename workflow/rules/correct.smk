include: "inputs/correct.smk"


rule correct:
    """Corrected SST of new raw HYCOM forecast files with a trained deep model (the library call of `sstbias correct`)."""
    input:
        unpack(deep_model_files),
        forecast=correction_forecasts,
    output:
        PATHS["corrected"],
    log:
        log("correct", "{run}_{name}"),
    benchmark:
        bench("correct", "{run}_{name}")
    wildcard_constraints:
        run=RUN_PATTERNS.corrected,
        name=r"[^/]+",
    conda:
        "../../envs/correct.yaml"
    threads: 2
    resources:
        mem_mb=3000,
        runtime=15,
        gpu=0,
    params:
        model=run_model,
        lead=prediction_lead,
    script:
        "../scripts/correct.py"


rule correct_leads:
    """Corrected SST of every lead of new forecast runs (step files) with the models of one run, one per lead
    (`sstbias correct` with one --model per lead), or its model for every lead (forecast.lead_models: lead_input).
    """
    input:
        unpack(lead_models),
        forecast=correction_forecasts,
    output:
        PATHS["by_lead_corrected"],
    log:
        log("correct_leads", "{run}_{name}", shared=True),
    benchmark:
        bench("correct_leads", "{run}_{name}", shared=True)
    wildcard_constraints:
        run=RUN_PATTERNS.corrected,
        name=r"[^/]+",
    conda:
        "../../envs/correct.yaml"
    threads: 2
    resources:
        mem_mb=3000,
        runtime=15,
        gpu=0,
    params:
        model=run_model,
    script:
        "../scripts/correct_leads.py"
