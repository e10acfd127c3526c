rule prediction_figures:
    """Maps of the test-period error per model (the paper's Fig. 6) and corrected-vs-observed scatter."""
    input:
        predictions=expand(
            PATHS["prediction"], run=first_runs(SELECTED_MODELS), allow_missing=True
        ),
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        maps=report(
            PATHS["fig_error_maps"],
            caption="../report/error_maps.rst",
            category="Figures",
        ),
        scatter=report(
            PATHS["fig_scatter"], caption="../report/scatter.rst", category="Figures"
        ),
    log:
        log("prediction_figures"),
    benchmark:
        bench("prediction_figures")
    conda:
        "../../envs/figures.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=10,
    params:
        models=SELECTED_MODELS,
    script:
        "../scripts/prediction_figures.py"


rule error_series_figure:
    """Domain-mean error of every model through the test period."""
    input:
        expand(
            PATHS["daily_errors"],
            run=first_runs(evaluated_models()),
            allow_missing=True,
        ),
    output:
        report(
            PATHS["fig_error_series"],
            caption="../report/error_series.rst",
            category="Figures",
        ),
    log:
        log("error_series_figure"),
    benchmark:
        bench("error_series_figure")
    conda:
        "../../envs/figures.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        models=evaluated_models(),
    script:
        "../scripts/error_series_figure.py"


rule training_figure:
    """Training loss and validation RMSE of the deep models."""
    input:
        training_logs,
    output:
        report(
            PATHS["fig_training"],
            caption="../report/training_curves.rst",
            category="Figures",
        ),
    log:
        log("training_figure"),
    benchmark:
        bench("training_figure")
    conda:
        "../../envs/figures.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        models=SELECTED_DEEP_MODELS,
    script:
        "../scripts/training_figure.py"


rule by_lead_figure:
    """figures/rmse_by_lead.png: test RMSE against lead, each model with its interval (forecast.leads beyond 0)."""
    input:
        PATHS["by_lead_csv"],
    output:
        report(
            PATHS["by_lead_figure"],
            caption="../report/rmse_by_lead.rst",
            category="Figures",
        ),
    log:
        log("by_lead_figure", shared=True),
    benchmark:
        bench("by_lead_figure", shared=True)
    conda:
        "../../envs/figures.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    script:
        "../scripts/by_lead_figure.py"
