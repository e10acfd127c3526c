"""Snakemake adapter: rule floor_prediction -> sstbias.stages.budget.floor_prediction."""

from sstbias.logs import job_logging
from sstbias.stages import budget

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    budget.floor_prediction(sm.input.aligned, sm.input.split, list(sm.input.diagnostics), sm.output[0])
