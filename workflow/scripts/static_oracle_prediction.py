"""Snakemake adapter: rule static_oracle_prediction -> sstbias.stages.budget.static_oracle_prediction."""

from sstbias.logs import job_logging
from sstbias.stages import budget

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    budget.static_oracle_prediction(sm.input.aligned, sm.input.split, list(sm.input.diagnostics), sm.output[0])
