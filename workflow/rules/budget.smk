# The twin's error budget (source twin only): its two hindsight references, the irreducible floor's and the static
# oracle's predictions (scored like models, shown last in the tables), and tables/error_budget.csv/.md.
# docs/twin.md; the steps: sstbias.stages.budget.


include: "inputs/budget.smk"


rule floor_prediction:
    """The twin's best possible correction: observation minus the unpredictable error (the irreducible floor)."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
        diagnostics=twin_diagnostics,
    output:
        expand(PATHS["prediction"], run=catalog.FLOOR, allow_missing=True),
    log:
        log("floor_prediction"),
    benchmark:
        bench("floor_prediction")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    script:
        "../scripts/floor_prediction.py"


rule static_oracle_prediction:
    """Forecast + per cell the least-squares line in time of the error, fitted on the test days (twin only)."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
        diagnostics=twin_diagnostics,
    output:
        expand(PATHS["prediction"], run=catalog.STATIC_ORACLE, allow_missing=True),
    log:
        log("static_oracle_prediction"),
    benchmark:
        bench("static_oracle_prediction")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    script:
        "../scripts/static_oracle_prediction.py"


rule error_budget:
    """The twin's error budget on the test days: raw, static oracle and floor MSE and their shares."""
    input:
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
        diagnostics=twin_diagnostics,
    output:
        csv=PATHS["error_budget_csv"],
        md=report(
            PATHS["error_budget_md"],
            caption="../report/error_budget.rst",
            category="Tables",
        ),
        provenance=provenance(PATHS["error_budget_md"]),
    log:
        log("error_budget"),
    benchmark:
        bench("error_budget")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        scenario=config["twin"]["scenario"],
    script:
        "../scripts/error_budget.py"
