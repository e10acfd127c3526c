"""Snakemake adapter: rule correct -> sstbias.stages.correct.correct (the library call of `sstbias correct`)."""

from pathlib import Path

from sstbias.logs import job_logging
from sstbias.stages import correct

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    model_dir = Path(sm.input.description).parent
    correct.correct(sm.params.model, model_dir, list(sm.input.forecast), sm.output[0], sm.threads, lead=sm.params.lead)
