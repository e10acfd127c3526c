"""The daily forecast of the period: the twin's months, and the reduction of the raw forecast to days."""


include: "inputs/data.smk"


localrules:
    data_settings,


rule data_settings:
    """The settings a data stage is made under (sstbias.provenance): an input of the stage's rule."""
    output:
        PATHS["settings"],
    log:
        log("data_settings", "{stage}", shared=True),
    conda:
        "../../envs/data.yaml"
    params:
        settings=lambda wildcards: DATA_SETTINGS[wildcards.stage],
    # A script, not a run: block: Snakemake runs a run: job in a new Snakemake process that parses the whole
    # workflow again (~4 s each, 25 of them on the default config); this script imports two light modules.
    script:
        "../scripts/data_settings.py"


rule synthesize:
    """Write one month of the deterministic twin dataset in the genuine HYCOM and OISST formats."""
    input:
        settings=settings_file("raw_{month}"),
    output:
        hycom=PATHS["raw_hycom"],
        oisst=PATHS["raw_oisst"],
        diagnostics=PATHS["twin_diagnostics"],
    log:
        log("synthesize", "{month}", shared=True),
    benchmark:
        bench("synthesize", "{month}", shared=True)
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        config=twin_settings,
    script:
        "../scripts/synthesize.py"


rule synthesize_runs:
    """The twin's forecast runs analysed in a month (forecast.leads beyond 0): one file per run and step of the
    configured leads, in HYCOM's forecast layout."""
    input:
        settings=settings_file("raw_runs_{month}"),
    output:
        directory(PATHS["raw_hycom_runs"]),
    log:
        log("synthesize_runs", "{month}", shared=True),
    benchmark:
        bench("synthesize_runs", "{month}", shared=True)
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        config=lambda wildcards: twin_run_settings(config),
        leads=[lead for lead in LEADS if lead],
        analyses=month_run_analyses,
    script:
        "../scripts/synthesize_runs.py"


rule twin_lead_diagnostics:
    """The twin's unpredictable error of a lead in a month (forecast.leads beyond 0): what no corrector of that
    lead can know, the lead's floor."""
    input:
        settings=settings_file("raw_{month}"),
    output:
        PATHS["twin_lead_diagnostics"],
    log:
        log("twin_lead_diagnostics", "lead_{lead}_{month}", shared=True),
    benchmark:
        bench("twin_lead_diagnostics", "lead_{lead}_{month}", shared=True)
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        config=lambda wildcards: twin_month_settings(config, wildcards.month)
        | {"daily_reduction": config["daily_reduction"]},
    script:
        "../scripts/twin_lead_diagnostics.py"


rule daily_forecast:
    """Reduce a month of the 3-hourly forecast to one field per UTC day on the native grid.

    The console's job summary shows the message, not the inputs (a month of user or downloaded files is hundreds
    of paths); the inputs stay the raw files themselves, so a changed file still reruns the job.
    """
    input:
        raw=raw_forecast_files,
        settings=settings_file(f"{LEAD_STAGE}forecast_daily_{{month}}"),
    output:
        PATHS["forecast_daily"],
    log:
        log("daily_forecast", "{month}"),
    benchmark:
        bench("daily_forecast", "{month}")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        box=config["box"],
        daily=config["daily_reduction"],
        days=month_window,
    message:
        "Daily forecast of {wildcards.month} from its raw forecast files -> {output} (log: {log})"
    script:
        "../scripts/daily_forecast.py"


rule raw_data:
    """Target: every raw file of the period and nothing else; `snakemake raw_data` downloads first."""
    input:
        raw_files,
