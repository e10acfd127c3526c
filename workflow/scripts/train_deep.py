"""Snakemake adapter: rule train_deep -> sstbias.stages.deep.train_deep."""

from pathlib import Path

from sstbias.logs import job_logging
from sstbias.stages import deep

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    out_dir = Path(sm.output.best).parent
    deep.train_deep(
        sm.params.model,
        sm.params.settings,
        sm.input.aligned,
        sm.input.split,
        sm.input.normalisation,
        out_dir,
        sm.threads,
        sm.params.preparation,
        sm.input.native_forecast,
    )
