"""Input functions and params of data.smk: what shapes a twin month, and the days of a month's daily forecast."""


def twin_settings(wildcards):
    """The config entries that shape one twin month (sstbias.provenance.twin_month_settings)."""
    return twin_month_settings(config, wildcards.month)


def settings_file(stage):
    """An input function: the settings file of ``stage`` (a name of SETTINGS_FILES, formatted with the job's
    wildcards), newer than any file made under other settings (sstbias.provenance)."""
    return lambda wildcards: SETTINGS_FILES[stage.format(**wildcards)]


def month_window(wildcards):
    """First and last day of the period in the month: the days the month's daily forecast holds."""
    days = period_month_days(wildcards.month)
    return {"first": days[0], "last": days[-1]}


def month_run_analyses(wildcards):
    """The days ("YYYY-MM-DD") of the job's month whose 12 UTC runs give a configured lead of a day in the period."""
    days = [f"{analysis:%Y-%m-%d}" for analysis in RUN_ANALYSES]
    return [day for day in days if day.startswith(wildcards.month)]
