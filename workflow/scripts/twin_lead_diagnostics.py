"""Snakemake adapter: rule twin_lead_diagnostics -> sstbias.stages.data.twin_lead_diagnostics."""

from sstbias.logs import job_logging
from sstbias.stages import data

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    data.twin_lead_diagnostics(sm.wildcards.month, sm.params.config, int(sm.wildcards.lead), sm.output[0])
