"""Snakemake adapter: rule predict_deep -> sstbias.stages.deep.predict_deep."""

from pathlib import Path

from sstbias.logs import job_logging
from sstbias.stages import deep

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    deep.predict_deep(sm.params.model, Path(sm.input.best).parent, sm.input.aligned, sm.input.split, sm.output[0])
