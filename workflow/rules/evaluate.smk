include: "inputs/evaluate.smk"


rule evaluate:
    """Paper metrics (eqs. 12-15) of one model over test days and ocean cells."""
    input:
        prediction=PATHS["prediction"],
        aligned=PATHS["aligned"],
        split=PATHS["split_json"],
    output:
        metrics=PATHS["metrics"],
        daily=PATHS["daily_errors"],
    log:
        log("evaluate", "{run}"),
    benchmark:
        bench("evaluate", "{run}")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        model=run_model,
        seed=run_seed,
    script:
        "../scripts/evaluate.py"


rule tables:
    """Table 1 with bootstrap intervals and tests, RMSE per month, skill scores (CSV and Markdown)."""
    input:
        metrics=expand(PATHS["metrics"], run=evaluated_runs(), allow_missing=True),
        daily=expand(PATHS["daily_errors"], run=evaluated_runs(), allow_missing=True),
    output:
        metrics_csv=PATHS["metrics_csv"],
        metrics_md=report(
            PATHS["metrics_md"], caption="../report/metrics.rst", category="Tables"
        ),
        seed_metrics_csv=PATHS["seed_metrics_csv"],
        monthly_csv=PATHS["monthly_csv"],
        monthly_md=report(
            PATHS["monthly_md"], caption="../report/monthly.rst", category="Tables"
        ),
        skill_csv=PATHS["skill_csv"],
        skill_md=report(
            PATHS["skill_md"], caption="../report/skill.rst", category="Tables"
        ),
        provenance=provenance(PATHS["metrics_md"]),
    log:
        log("tables"),
    benchmark:
        bench("tables")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        uncertainty=config["uncertainty"],
    script:
        "../scripts/tables.py"


rule by_lead_table:
    """Scores against lead (forecast.leads beyond 0): every lead's Table 1 rows side by side."""
    input:
        metrics=expand(PATHS["metrics_csv"], lead=LEADS),
    output:
        csv=PATHS["by_lead_csv"],
        md=report(
            PATHS["by_lead_md"], caption="../report/by_lead.rst", category="Tables"
        ),
        provenance=provenance(PATHS["by_lead_md"]),
    log:
        log("by_lead_table", shared=True),
    benchmark:
        bench("by_lead_table", shared=True)
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        leads=LEADS,
        confidence=config["uncertainty"]["confidence"],
    script:
        "../scripts/by_lead_table.py"
