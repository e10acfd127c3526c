"""Snakemake adapter: rule split -> sstbias.stages.prepare.split."""

from sstbias.logs import job_logging
from sstbias.stages import prepare

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    prepare.split(sm.input[0], sm.output.json, sm.output.csv, sm.params.split)
