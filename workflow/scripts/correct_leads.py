"""Snakemake adapter: rule correct_leads -> sstbias.stages.correct.correct_leads (`sstbias correct` with one
model folder per lead)."""

from pathlib import Path

from sstbias.logs import job_logging
from sstbias.stages import correct

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    model_dirs = [Path(path).parent for path in sm.input.description]
    correct.correct_leads(sm.params.model, model_dirs, list(sm.input.forecast), sm.output[0], sm.threads)
