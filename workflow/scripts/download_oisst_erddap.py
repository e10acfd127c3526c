"""Snakemake adapter: rule download_oisst_erddap -> sstbias.stages.download.download_oisst_month."""

from sstbias.logs import job_logging
from sstbias.stages import download

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    download.download_oisst_month(sm.output[0], sm.params.request, sm.config["remote"])
