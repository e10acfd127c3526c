"""Snakemake adapter: rule normalisation -> sstbias.stages.prepare.normalisation."""

from sstbias.logs import job_logging
from sstbias.stages import prepare

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    settings = sm.params.normalisation
    prepare.normalisation(sm.input.aligned, sm.input.split, sm.output[0], settings["method"], settings["scope"])
