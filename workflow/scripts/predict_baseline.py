"""Snakemake adapter: rule predict_baseline -> sstbias.stages.baselines.predict_baseline."""

from sstbias.logs import job_logging
from sstbias.stages import baselines

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    baselines.predict_baseline(sm.params.model, sm.input.model, sm.input.aligned, sm.input.split, sm.output[0])
