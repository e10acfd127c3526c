"""The budget curve (issue 19): the deep models' test RMSE and gap closed against the training samples seen; a
target of its own (not part of `rule all`).

    snakemake budget --cores 2      ->  tables/budget_<model>.csv and .md, figures/budget.png

One training per model and seed (``budget/<model>/training/seed_<n>``, sstbias.experiments.runs) to the largest of
budget.iterations keeps at every point the weights selected on validation up to it; each point
(``budget/<model>/it_<NNNNNN>/seed_<n>``) is predicted and evaluated like any run. sstbias.evaluation.budget_curve.
"""


include: "inputs/budget_curve.smk"


rule budget:
    """The budget curve's tables and figure."""
    input:
        every_lead(
            expand(
                [PATHS["budget_csv"], PATHS["budget_md"]],
                model=BUDGET.models,
                allow_missing=True,
            )
            + [PATHS["budget_figure"]]
        ),


use rule train_deep as train_budget with:
    output:
        best=PATHS["deep_best"],
        log_csv=PATHS["deep_log"],
        description=PATHS["deep_config"],
        weights=kept_weights("deep_selected_weights", BUDGET.iterations),
    log:
        log("train_budget", "{run}"),
    benchmark:
        bench("train_budget", "{run}")
    wildcard_constraints:
        run=RUN_PATTERNS.budget("training"),


use rule predict_deep as predict_budget with:
    input:
        unpack(point_inputs("deep_selected_weights")),
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    log:
        log("predict_budget", "{run}"),
    benchmark:
        bench("predict_budget", "{run}")
    wildcard_constraints:
        run=RUN_PATTERNS.budget("it"),


rule budget_table:
    """tables/budget_<model>.csv and .md from the metrics of every point and seed and the trainings' logs."""
    input:
        unpack(budget_references),
        metrics=budget_metrics,
        logs=budget_logs,
    output:
        csv=PATHS["budget_csv"],
        md=PATHS["budget_md"],
        provenance=provenance(PATHS["budget_md"]),
    log:
        log("budget_table", "{model}"),
    benchmark:
        bench("budget_table", "{model}")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        iterations=BUDGET.iterations,
        batch_size=budget_batch_size,
        title=f"budget curve on {experiment()}",
    script:
        "../scripts/budget_table.py"


rule budget_figure:
    """figures/budget.png: the curves of every model with the references as horizontal lines."""
    input:
        unpack(budget_references),
        tables=expand(PATHS["budget_csv"], model=BUDGET.models, allow_missing=True),
    output:
        PATHS["budget_figure"],
    log:
        log("budget_figure"),
    benchmark:
        bench("budget_figure")
    conda:
        "../../envs/figures.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/budget_figure.py"
