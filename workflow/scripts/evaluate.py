"""Snakemake adapter: rule evaluate (every run, grid points included) -> sstbias.stages.evaluate.evaluate."""

from sstbias.logs import job_logging
from sstbias.stages import evaluate

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    evaluate.evaluate(
        model=sm.params.model,
        seed=sm.params.seed,
        prediction=sm.input.prediction,
        aligned=sm.input.aligned,
        split_path=sm.input.split,
        out=sm.output.metrics,
        daily_out=sm.output.daily,
    )
