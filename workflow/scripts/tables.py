"""Snakemake adapter: rule tables -> sstbias.stages.evaluate.tables."""

from sstbias.logs import job_logging
from sstbias.stages import evaluate

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    evaluate.tables(list(sm.input.metrics), list(sm.input.daily), dict(sm.output.items()), sm.params.uncertainty)
