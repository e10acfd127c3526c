"""Snakemake adapter: rule train_baseline -> sstbias.stages.baselines.train_baseline."""

from sstbias.logs import job_logging
from sstbias.stages import baselines

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    baselines.train_baseline(
        model=sm.params.model,
        settings=sm.params.settings,
        features=sm.params.features,
        seed=sm.params.seed,
        n_jobs=sm.threads,
        aligned=sm.input.aligned,
        split_path=sm.input.split,
        out=sm.output[0],
        fit_days=sm.params.fit_days,
    )
