"""Snakemake adapter: rule predict_iteration_grid -> sstbias.stages.deep.predict_deep with a checkpoint."""

from pathlib import Path

from sstbias.logs import job_logging
from sstbias.stages import deep

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    run = Path(sm.input.description).parent
    deep.predict_deep(sm.params.model, run, sm.input.aligned, sm.input.split, sm.output[0], sm.input.weights)
