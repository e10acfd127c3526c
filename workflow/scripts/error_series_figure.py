"""Snakemake adapter: rule error_series_figure -> sstbias.stages.figures.error_series_figure."""

from sstbias.logs import job_logging
from sstbias.stages import figures

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    figures.error_series_figure(sm.params.models, list(sm.input), sm.output[0])
