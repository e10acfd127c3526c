"""The deep models' ablation (issue 14): each change added in turn; a target of its own (not part of `rule all`).

    snakemake ablation --cores 2        ->  tables/ablation.csv, tables/ablation.md

Steps and their settings: sstbias.experiments.ablation. Each step's trainings are ordinary runs
(``ablation/<model>/<step>/seed_<n>``, sstbias.experiments.runs) served by train_deep, predict_deep and evaluate, and the
climatology of each protocol (``ablation/climatology/<step>``) by train_baseline and predict_baseline; the
seeds are config ablation.seeds.
"""


include: "inputs/ablation.smk"


rule ablation:
    """The ablation table of the deep models (tables/ablation.csv and .md)."""
    input:
        every_lead([PATHS["ablation_csv"], PATHS["ablation_md"]]),


rule ablation_table:
    """tables/ablation.csv and .md from every ablation run's metrics and training log."""
    input:
        metrics=lambda w: [path for run in ablation_runs(w) for path in run["metrics"]],
        logs=lambda w: [path for run in ablation_runs(w) for path in run["logs"]],
        climatology=lambda w: list(ablation_climatology_metrics(w).values()),
    output:
        csv=PATHS["ablation_csv"],
        md=PATHS["ablation_md"],
        provenance=provenance(PATHS["ablation_md"]),
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
        runs=ablation_runs,
        climatology=ablation_climatology_metrics,
        title=ablation_title(),
    script:
        "../scripts/ablation_table.py"
