"""The raw files of the period by source (the twin's months, the downloads, the user's files): the inputs of
data.smk, regrid.smk and the target raw_data. Included by common.smk, so any rule file may use them.
"""

from snakemake.exceptions import IncompleteCheckpointException

from datetime import date

from sstbias.data import local_files
from sstbias.data.leads import analysis_time
from sstbias.data.download.oisst import chunk_days
from sstbias.period import month_days


def period_month_days(month):
    """The period's days ("YYYY-MM-DD") in ``month`` ("YYYY-MM")."""
    return [f"{day:%Y-%m-%d}" for day in month_days(month, config["period"])]


if SOURCE == "local":
    LOCAL_HYCOM = local_files.expand_patterns(config["local"]["hycom"], "local.hycom")
    # With leads, the user's files of each month and lead, from their names: a bad run is one line, before any job.
    if BY_LEAD:
        try:
            LOCAL_RUNS = local_files.RunFiles.index(LOCAL_HYCOM)
            LOCAL_RUNS.check_leads(LEADS)
            LOCAL_LEAD_FILES = {
                (month, lead): LOCAL_RUNS.files_for_month(
                    month,
                    lead,
                    config["daily_reduction"]["method"],
                    config["daily_reduction"]["hour"],
                )
                for month in MONTHS
                for lead in LEADS
            }
        except ConfigError as err:
            raise ConfigError(str(err)) from None
    LOCAL_OISST = local_files.oisst_files_for_days(
        local_files.expand_patterns(config["local"]["oisst"], "local.oisst"),
        period_days(config["period"])[0].date(),
        period_days(config["period"])[-1].date(),
    )


def month_forecast_files(month, lead=0):
    """The raw HYCOM files of lead ``lead`` (days) of a month: the twin's month file (or its forecast runs), the
    downloaded days (or runs) or the user's files."""
    if lead and SOURCE == "remote":
        runs = [
            f"{analysis_time(date.fromisoformat(day), lead):%Y%m%d%H}"
            for day in period_month_days(month)
        ]
        return expand(PATHS["raw_hycom_run_lead"], run=runs, lead=lead)
    # lead 0 too: the best time series' steps of the runs
    if BY_LEAD and SOURCE == "local":
        return LOCAL_LEAD_FILES[month, lead]
    if lead:
        return twin_run_folders(month, lead)
    if SOURCE == "remote":
        return expand(PATHS["raw_hycom_day"], day=period_month_days(month))
    if SOURCE == "local":
        return local_files.hycom_files_for_month(LOCAL_HYCOM, month)
    return expand(PATHS["raw_hycom"], month=month)


def twin_run_folders(month, lead):
    """The folders of the twin's forecast runs whose lead-``lead`` days fall in ``month``: those of the months
    the runs are analysed in."""
    analysed = {
        f"{analysis_time(date.fromisoformat(day), lead):%Y-%m}"
        for day in period_month_days(month)
    }
    return expand(PATHS["raw_hycom_runs"], month=sorted(analysed))


def raw_forecast_files(wildcards):
    """The raw HYCOM files of the job's month and lead."""
    return month_forecast_files(wildcards.month, int(wildcards.get("lead", 0)))


def erddap_month_files(month):
    """A month's ERDDAP file and the NCEI files of the days it lacks (known once it is downloaded)."""
    try:
        chunk = checkpoints.download_oisst_erddap.get(month=month).output[0]
    except IncompleteCheckpointException as pending:
        # Snakemake's own placeholder; catching it here (instead of letting it end the input function) puts
        # every month's download on the DAG at once, and the list is evaluated again when each finishes.
        return [pending.targetfile]
    held = {f"{day:%Y-%m-%d}" for day in chunk_days(chunk)}
    lacking = [day for day in period_month_days(month) if day not in held]
    return [chunk] + expand(PATHS["raw_oisst_ncei"], day=lacking)


def raw_observation_files():
    """The raw OISST files of the period, by source."""
    if SOURCE == "local":
        return LOCAL_OISST
    if SOURCE == "twin":
        return monthly("raw_oisst")
    if config["remote"]["oisst"]["service"] == "ncei":
        return expand(PATHS["raw_oisst_ncei"], day=DAYS)
    return [path for month in MONTHS for path in erddap_month_files(month)]


def raw_files(wildcards):
    """Every raw file of the period, both products and every lead (the target rule raw_data)."""
    forecast = [
        path
        for month in MONTHS
        for lead in LEADS
        for path in month_forecast_files(month, lead)
    ]
    return forecast + raw_observation_files()
