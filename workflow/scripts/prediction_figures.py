"""Snakemake adapter: rule prediction_figures -> sstbias.stages.figures.prediction_figures."""

from sstbias.logs import job_logging
from sstbias.stages import figures

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    figures.prediction_figures(
        models=sm.params.models,
        predictions=list(sm.input.predictions),
        aligned=sm.input.aligned,
        split_path=sm.input.split,
        maps_png=sm.output.maps,
        scatter_png=sm.output.scatter,
    )
