"""Snakemake adapter: rule synthesize -> sstbias.stages.data.synthesize."""

from sstbias.logs import job_logging
from sstbias.provenance import read_settings_file
from sstbias.stages import data

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    data.synthesize(
        sm.wildcards.month,
        sm.params.config,
        sm.output.hycom,
        sm.output.oisst,
        sm.output.diagnostics,
        settings=read_settings_file(sm.input.settings),
    )
