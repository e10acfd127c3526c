# Grids of one deep model (the paper's Tables 2 and 3), on demand: snakemake grids --cores 2. A learning-rate point
# is an ordinary run (train_deep, predict_deep, evaluate); the iteration grid is one training that keeps its
# weights at the grid's iterations, each predicted on its own.


include: "inputs/grids.smk"


rule grids:
    """The grid model's learning-rate and iteration tables and figures (not part of rule all)."""
    input:
        every_lead(grid_targets()),


use rule train_deep as train_iteration_grid with:
    output:
        best=PATHS["deep_best"],
        log_csv=PATHS["deep_log"],
        description=PATHS["deep_config"],
        # Exports, not the resumable checkpoints/: Snakemake deletes a failed job's outputs, and a job stopped
        # at its time limit must keep the state it resumes from.
        weights=kept_weights("deep_weights", GRID_ITERATIONS),
    log:
        log("train_iteration_grid", "{run}"),
    benchmark:
        bench("train_iteration_grid", "{run}")
    wildcard_constraints:
        run=RUN_PATTERNS.grid("iterations"),


use rule predict_deep as predict_iteration_grid with:
    input:
        unpack(point_inputs("deep_weights")),
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    log:
        log("predict_iteration_grid", "{run}"),
    benchmark:
        bench("predict_iteration_grid", "{run}")
    wildcard_constraints:
        run=RUN_PATTERNS.grid("it"),


rule grid_summary:
    """The paper's Table 2 / Fig. 7 (grid lr) or Table 3 / Fig. 8 (grid iterations)."""
    input:
        grid_metrics,
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
        provenance=provenance(PATHS["grid_table_md"]),
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
        values=grid_values,
        seeds=SEEDS,
    script:
        "../scripts/grid_summary.py"
