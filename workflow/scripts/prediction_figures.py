"""Snakemake adapter: rule prediction_figures -> sstbias.stages.figures.prediction_figures."""

from sstbias.logs import job_logging
from sstbias.stages import figures

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    figures.prediction_figures(
        sm.params.models,
        list(sm.input.predictions),
        sm.input.aligned,
        sm.input.split,
        sm.output.maps,
        sm.output.scatter,
    )
