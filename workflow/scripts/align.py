"""Snakemake adapter: rule align -> sstbias.stages.prepare.align."""

from sstbias.logs import job_logging
from sstbias.provenance import read_settings_file
from sstbias.stages import prepare

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    prepare.align(
        sm.input.forecast[0],
        sm.input.observation[0],
        sm.output[0],
        sm.params.period,
        sm.params.missing_days,
        settings=read_settings_file(sm.input.settings),
    )
