include: "inputs/download.smk"


# Downloads (source: remote): one raw file per chunk, so a rerun fetches only what is missing. They run on the
# machine that runs Snakemake (cluster nodes often have no internet) and within the polite connection limits.


localrules:
    download_hycom,
    download_hycom_run,
    download_oisst_erddap,
    download_oisst_ncei,


rule download_hycom:
    """One UTC day of 3-hourly HYCOM surface temperature over the raw box from the NetCDF Subset Service."""
    output:
        PATHS["raw_hycom_day"],
    log:
        log("download_hycom", "{day}", shared=True),
    benchmark:
        bench("download_hycom", "{day}", shared=True)
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        hycom_connections=1,
        mem_mb=300,
        runtime=60,
    params:
        request=hycom_request(),
    script:
        "../scripts/download_hycom.py"


rule download_hycom_run:
    """The steps of one lead day of one HYCOM forecast run over the raw box (forecast.leads beyond 0), one file
    per step, from the FMRC's per-run NetCDF Subset Service (docs/real_data.md)."""
    output:
        directory(PATHS["raw_hycom_run_lead"]),
    log:
        log("download_hycom_run", "{run}_lead_{lead}", shared=True),
    benchmark:
        bench("download_hycom_run", "{run}_lead_{lead}", shared=True)
    wildcard_constraints:
        run=r"\d{10}",
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        hycom_connections=1,
        mem_mb=300,
        runtime=60,
    params:
        request=hycom_request(),
        taus=run_lead_taus,
    script:
        "../scripts/download_hycom_run.py"


checkpoint download_oisst_erddap:
    """One month of OISST over the raw box from ERDDAP griddap; the days it lacks then come from NCEI."""
    output:
        PATHS["raw_oisst_erddap"],
    log:
        log("download_oisst_erddap", "{month}", shared=True),
    benchmark:
        bench("download_oisst_erddap", "{month}", shared=True)
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        oisst_connections=1,
        mem_mb=300,
        runtime=60,
    params:
        request=erddap_request,
    script:
        "../scripts/download_oisst_erddap.py"


rule download_oisst_ncei:
    """One day's OISST file from NCEI (final, else preliminary): a day ERDDAP lacks, or every day with service ncei."""
    output:
        PATHS["raw_oisst_ncei"],
    log:
        log("download_oisst_ncei", "{day}", shared=True),
    benchmark:
        bench("download_oisst_ncei", "{day}", shared=True)
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        oisst_connections=1,
        mem_mb=300,
        runtime=60,
    params:
        request={"box": RAW_BOX},
    script:
        "../scripts/download_oisst_ncei.py"
