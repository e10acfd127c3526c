"""Snakemake adapter: rules train_deep and train_iteration_grid -> sstbias.stages.deep.train_deep."""

from pathlib import Path

from sstbias.logs import job_logging
from sstbias.stages import deep

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    deep.train_deep(
        model=sm.params.model,
        settings=sm.params.settings,
        aligned=sm.input.aligned,
        split_path=sm.input.split,
        normalisation=sm.input.normalisation,
        out_dir=Path(sm.output.best).parent,
        threads=sm.threads,
        preparation=sm.params.preparation,
        native_forecast=sm.input.native_forecast,
    )
