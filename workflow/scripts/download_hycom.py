"""Snakemake adapter: rule download_hycom -> sstbias.stages.download.download_hycom_day."""

from sstbias.logs import job_logging
from sstbias.stages import download

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    download.download_hycom_day(sm.wildcards.day, sm.output[0], sm.params.request, sm.config["remote"])
