"""Snakemake adapter: rule daily_forecast -> sstbias.stages.data.daily_forecast."""

from sstbias.logs import job_logging
from sstbias.provenance import read_settings_file
from sstbias.stages import data

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    daily = sm.params.daily
    data.daily_forecast(
        list(sm.input.raw),
        sm.output[0],
        sm.params.box,
        sm.params.days,
        daily["method"],
        daily["hour"],
        settings=read_settings_file(sm.input.settings),
        lead=int(sm.wildcards.get("lead", 0)),
    )
