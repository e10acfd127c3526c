"""Snakemake adapter: rule data_settings -> sstbias.provenance.write_settings_file (light imports: a job per file)."""

from sstbias.logs import job_logging
from sstbias.provenance import write_settings_file

with job_logging(snakemake.log[0]) as log:  # noqa: F821
    sm = snakemake  # noqa: F821
    log.info("%s: the settings of stage %s", write_settings_file(sm.output[0], sm.params.settings), sm.wildcards.stage)
