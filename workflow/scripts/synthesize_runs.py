"""Snakemake adapter: rule synthesize_runs -> sstbias.stages.data.synthesize_runs."""

from sstbias.logs import job_logging
from sstbias.provenance import read_settings_file
from sstbias.stages import data

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    data.synthesize_runs(
        sm.params.config, sm.params.leads, sm.params.analyses, sm.output[0], read_settings_file(sm.input.settings)
    )
