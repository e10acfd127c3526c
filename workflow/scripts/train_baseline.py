"""Snakemake adapter: rule train_baseline -> sstbias.stages.baselines.train_baseline."""

from sstbias.logs import job_logging
from sstbias.stages import baselines

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    baselines.train_baseline(
        sm.params.model,
        sm.params.settings,
        sm.params.features,
        sm.params.seed,
        sm.threads,
        sm.input.aligned,
        sm.input.split,
        sm.output[0],
        sm.params.fit_days,
    )
