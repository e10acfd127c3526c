"""Snakemake adapter: rule by_lead_figure -> sstbias.stages.figures.rmse_by_lead."""

from sstbias.logs import job_logging
from sstbias.stages import figures

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    figures.rmse_by_lead(sm.input[0], sm.output[0])
