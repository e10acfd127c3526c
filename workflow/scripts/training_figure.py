"""Snakemake adapter: rule training_figure -> sstbias.stages.figures.training_figure."""

from sstbias.logs import job_logging
from sstbias.stages import figures

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    figures.training_figure(sm.params.models, list(sm.input), sm.output[0])
