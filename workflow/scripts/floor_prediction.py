"""Snakemake adapter: rule floor_prediction -> sstbias.stages.evaluate.floor_prediction."""

from sstbias.logs import job_logging
from sstbias.stages import evaluate

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    evaluate.floor_prediction(sm.input.aligned, sm.input.split, list(sm.input.diagnostics), sm.output[0])
