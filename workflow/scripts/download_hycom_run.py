"""Snakemake adapter: rule download_hycom_run -> sstbias.stages.download.download_hycom_run."""

from sstbias.logs import job_logging
from sstbias.stages import download

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    download.download_hycom_run(sm.wildcards.run, sm.params.taus, sm.output[0], sm.params.request, sm.config["remote"])
