"""Snakemake adapter: rules evaluate and evaluate_grid -> sstbias.stages.evaluate.evaluate."""

from sstbias.logs import job_logging
from sstbias.stages import evaluate

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    evaluate.evaluate(
        sm.params.model,
        sm.params.seed,
        sm.input.prediction,
        sm.input.aligned,
        sm.input.split,
        sm.output.metrics,
        sm.output.daily,
    )
